#include "report.h"

#include <json-c/json.h>
#include <string.h>

static const char *const status_names[] = { "ok", "degraded", "missing" };

/* The fix a quirk of the chosen profile gives for feature id, or NULL. */
static const char *active_fix(const struct board_probe *p, int id)
{
	for (unsigned i = 0; i < p->profile.nquirk; i++)
		if ((p->quirks_active & (1u << i)) && p->profile.quirk[i].feature == id)
			return p->profile.quirk[i].fix;
	return NULL;
}

void board_report_text(const struct board_probe *p, FILE *out)
{
	char ctrls[128];
	fprintf(out, "kernel               %s %s\n", p->kernel, p->arch);
	fprintf(out, "cgroup layout        %s%s%s\n", alc_cg_layout_name(p->layout),
		p->v2[0] ? ", v2 at " : "", p->v2);
	fprintf(out, "controllers (v2)     %s\n",
		alc_cg_format_controllers(p->ctrl_avail, ctrls, sizeof(ctrls)));
	fprintf(out, "enabled for children %s\n",
		alc_cg_format_controllers(p->ctrl_enabled, ctrls, sizeof(ctrls)));
	if (p->layout == ALC_CG_HYBRID || p->layout == ALC_CG_V1)
		fprintf(out, "v1 hierarchies       %s\n", p->v1.names);
	fprintf(out, "board                %s\n", p->model[0] ? p->model : "(unknown)");
	fprintf(out, "profile              %s (%s), console %s\n", p->profile.name,
		p->profile.source, p->profile.console[0] ? p->profile.console : "-");
	fprintf(out, "latency cpus         %s\n", p->latency_cpus[0] ? p->latency_cpus : "-");
	for (int i = 0; i < BOARD_FEAT_COUNT; i++) {
		const struct board_feature_info *fi = board_feature_info(i);
		const struct board_feature *f = &p->feat[i];
		fprintf(out, "%-20s %-8s %s", fi->label, status_names[f->status], f->detail);
		if (f->status != BOARD_OK)
			fprintf(out, "; fallback %s", fi->fallback);
		fputc('\n', out);
		const char *fix = active_fix(p, i);
		if (fix)
			fprintf(out, "  fix (%s): %s\n", p->profile.name, fix);
	}
	if (p->cleanup_error[0])
		fprintf(out, "probe cleanup        failed   %s\n", p->cleanup_error);
}

/* Adds name -> array of the controller names in mask. */
static void add_ctrl_array(struct json_object *o, const char *name, unsigned mask)
{
	struct json_object *a = json_object_new_array();
	for (unsigned bit = 1; bit && bit < (1u << ALC_CTRL_COUNT); bit <<= 1)
		if (mask & bit)
			json_object_array_add(a, json_object_new_string(alc_cg_ctrl_name(bit)));
	json_object_object_add(o, name, a);
}

static struct json_object *cgroup_json(const struct board_probe *p)
{
	struct json_object *cg = json_object_new_object();
	json_object_object_add(cg, "v2_mount", p->v2[0] ? json_object_new_string(p->v2) : NULL);
	add_ctrl_array(cg, "v2_available", p->ctrl_avail);
	add_ctrl_array(cg, "v2_enabled", p->ctrl_enabled);
	struct json_object *v1 = json_object_new_array();
	for (const char *s = p->v1.names; *s;) {
		size_t n = strcspn(s, " ");
		json_object_array_add(v1, json_object_new_string_len(s, (int)n));
		s += n + (s[n] == ' ');
	}
	json_object_object_add(cg, "v1_hierarchies", v1);
	return cg;
}

static struct json_object *board_json(const struct board_probe *p)
{
	struct json_object *b = json_object_new_object();
	json_object_object_add(b, "model", p->model[0] ? json_object_new_string(p->model) : NULL);
	json_object_object_add(b, "model_source",
			       p->model_source[0] ? json_object_new_string(p->model_source) : NULL);
	json_object_object_add(b, "profile", json_object_new_string(p->profile.name));
	json_object_object_add(b, "console", json_object_new_string(p->profile.console));
	json_object_object_add(b, "cpus", json_object_new_int((int)p->topo.ncpus));
	struct json_object *cl = json_object_new_array();
	for (unsigned i = 0; i < p->topo.nclusters; i++) {
		struct json_object *c = json_object_new_object();
		json_object_object_add(c, "cpus", json_object_new_string(p->topo.cl[i].cpus));
		json_object_object_add(c, "capacity",
				       json_object_new_int((int)p->topo.cl[i].capacity));
		json_object_array_add(cl, c);
	}
	json_object_object_add(b, "clusters", cl);
	json_object_object_add(b, "latency_cpus", json_object_new_string(p->latency_cpus));
	return b;
}

struct json_object *board_report_json(const struct board_probe *p)
{
	struct json_object *o = json_object_new_object(), *feats = json_object_new_object();
	if (!o || !feats) {
		json_object_put(o);
		json_object_put(feats);
		return NULL;
	}
	json_object_object_add(o, "kernel", json_object_new_string(p->kernel));
	json_object_object_add(o, "arch", json_object_new_string(p->arch));
	json_object_object_add(o, "cgroup_layout",
			       json_object_new_string(alc_cg_layout_name(p->layout)));
	json_object_object_add(o, "cgroup", cgroup_json(p));
	json_object_object_add(o, "board", board_json(p));
	for (int i = 0; i < BOARD_FEAT_COUNT; i++) {
		const struct board_feature_info *fi = board_feature_info(i);
		const struct board_feature *f = &p->feat[i];
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "status",
				       json_object_new_string(status_names[f->status]));
		json_object_object_add(e, "detail", json_object_new_string(f->detail));
		json_object_object_add(
			e, "fallback",
			f->status == BOARD_OK ? NULL : json_object_new_string(fi->fallback));
		const char *fix = active_fix(p, i);
		if (fix)
			json_object_object_add(e, "fix", json_object_new_string(fix));
		json_object_object_add(feats, fi->key, e);
	}
	json_object_object_add(o, "features", feats);
	if (p->cleanup_error[0])
		json_object_object_add(o, "cleanup_error",
				       json_object_new_string(p->cleanup_error));
	json_object_object_add(o, "verdict", json_object_new_int(board_probe_verdict(p)));
	return o;
}
