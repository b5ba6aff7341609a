#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/config.h"
#include "oci_fixture.h"

const char oci_fx_base_config[] = "{'ociVersion':'1.0.2','process':{'user':{'uid':0,'gid':0},"
				  "'args':['sh'],'cwd':'/'},'root':{'path':'rootfs'},"
				  "'mounts':[{'destination':'/proc','type':'proc'}],"
				  "'linux':{'resources':{}}}";

char *oci_fx_dq(const char *s)
{
	char *d = strdup(s);
	assert_non_null(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

int oci_fx_parse(const char *single_quoted, struct alc_spec *spec, alc_err *err)
{
	char *text = oci_fx_dq(single_quoted);
	int r = oci_config_parse(text, "config.json", spec, err);
	free(text);
	return r;
}

void oci_fx_set_at(json_object *top, const char *path, const char *value)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	json_object *cur = top;
	char *save = NULL, *tok = strtok_r(buf, ".", &save);
	while (tok) {
		char *next = strtok_r(NULL, ".", &save);
		char *br = strchr(tok, '[');
		if (br) {
			*br = '\0';
			cur = json_object_array_get_idx(json_object_object_get(cur, tok),
							(size_t)atoi(br + 1));
			assert_non_null(cur);
		} else if (!next) {
			if (!value) {
				json_object_object_del(cur, tok);
			} else {
				char *v = oci_fx_dq(value);
				json_object *jv = json_tokener_parse(v);
				free(v);
				assert_true(jv || !strcmp(value, "null"));
				json_object_object_add(cur, tok, jv);
			}
		} else {
			json_object *child = json_object_object_get(cur, tok);
			if (!child) {
				child = json_object_new_object();
				json_object_object_add(cur, tok, child);
			}
			cur = child;
		}
		tok = next;
	}
}

int oci_fx_parse_with(const char *path, const char *value, alc_err *err)
{
	char *base = oci_fx_dq(oci_fx_base_config);
	json_object *top = json_tokener_parse(base);
	free(base);
	assert_non_null(top);
	oci_fx_set_at(top, path, value);
	struct alc_spec s;
	int r = oci_config_parse(json_object_to_json_string(top), "config.json", &s, err);
	if (r == 0)
		alc_spec_free(&s);
	json_object_put(top);
	return r;
}
