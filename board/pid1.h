/* The board facts PID 1 can print at boot: the feature probe's report with
 * the board profile applied (alcove init's probe = yes, or probe = only for
 * the demo's print-and-power-off). */
#ifndef ALC_BOARD_PID1_H
#define ALC_BOARD_PID1_H

#include <stdio.h>

/* Probes the running kernel and board, prints the report and the verdict
 * line ("alcove: probe verdict N") to out; returns the verdict. */
int board_pid1_probe(FILE *out);

#endif
