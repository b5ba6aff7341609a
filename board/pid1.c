#include "pid1.h"

#include "probe.h"
#include "profile.h"
#include "report.h"

int board_pid1_probe(FILE *out)
{
	alc_err err = { 0 };
	struct board_probe p;
	struct board_profile prof;
	board_probe_run(&p, "/");
	if (board_profile_choose(NULL, p.model, &prof, &err) == 0)
		board_probe_use_profile(&p, &prof);
	else
		fprintf(out, "alcove: %s\n", err.msg);
	board_report_text(&p, out);
	int v = board_probe_verdict(&p);
	fprintf(out, "alcove: probe verdict %d\n", v);
	fflush(out);
	return v;
}
