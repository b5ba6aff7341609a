#include "pid1.h"

#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "mounts.h"
#include "probe.h"
#include "report.h"
#include "version.h"

void board_pid1_main(void)
{
	alc_err err = { 0 };
	printf("alcove %s: PID 1 starting\n", ALCOVE_VERSION);
	if (board_mount_early(&err) < 0)
		printf("alcove: %s\n", err.msg);
	struct board_probe p;
	struct board_profile prof;
	board_probe_run(&p, "/");
	if (board_profile_choose(NULL, p.model, &prof, &err) == 0)
		board_probe_use_profile(&p, &prof);
	else
		printf("alcove: %s\n", err.msg);
	board_report_text(&p, stdout);
	printf("alcove: probe verdict %d; powering off\n", board_probe_verdict(&p));
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* PID 1 must never exit: the kernel would panic. */
	for (;;)
		pause();
}
