/* Renders a finished probe: aligned text for people, one JSON object (built
 * with json-c) for programs. Pure: no probing happens here. */
#ifndef ALC_BOARD_REPORT_H
#define ALC_BOARD_REPORT_H

#include <stdio.h>

#include "probe.h"

struct json_object;

/* Prints the probe as header lines, then "label  status  detail; fallback
 * X" lines, with a "fix" line under each feature a profile quirk names. */
void board_report_text(const struct board_probe *p, FILE *out);

/* Returns a new JSON object (caller puts it) with kernel, arch,
 * cgroup_layout, cgroup, board, features and verdict; NULL on ENOMEM. */
struct json_object *board_report_json(const struct board_probe *p);

#endif
