/* Board profiles: small "key = value" texts (the .conf files in board/profiles, built
 * into the binary) naming how to recognise a board from its model string,
 * its console, where latency-class work should run, and known kernel quirks
 * with their fix. Parsing and matching are pure. */
#ifndef ALC_BOARD_PROFILE_H
#define ALC_BOARD_PROFILE_H

#include <stddef.h>

#include "err.h"

#define BOARD_PROFILE_MATCHES 8
#define BOARD_PROFILE_QUIRKS 4

enum board_latency_pref {
	BOARD_LATENCY_BIG, /* the highest-capacity cluster */
	BOARD_LATENCY_ALL, /* every CPU */
};

struct board_quirk {
	int feature; /* enum board_feature_id whose failure the fix addresses */
	char fix[200];
};

struct board_profile {
	char name[32];
	char source[128]; /* file name, for messages */
	char description[96];
	char console[32];
	char match[BOARD_PROFILE_MATCHES][64]; /* case-insensitive fnmatch patterns */
	unsigned nmatch;
	enum board_latency_pref latency;
	struct board_quirk quirk[BOARD_PROFILE_QUIRKS];
	unsigned nquirk;
};

/* One profile text built into the binary (generated profiles_data.c). */
struct board_profile_text {
	const char *file;
	const char *text;
};
extern const struct board_profile_text board_profile_texts[];
extern const size_t board_profile_ntexts;

/* Parses a profile text; errors name source:line. Returns 0 or -EINVAL. */
int board_profile_parse(const char *text, const char *source, struct board_profile *out,
			alc_err *err);

/* Returns 1 when model matches one of p's patterns, else 0. */
int board_profile_matches(const struct board_profile *p, const char *model);

/* Loads the built-in profile called name; -ENOENT names the known ones. */
int board_profile_builtin(const char *name, struct board_profile *out, alc_err *err);

/* Picks the first built-in profile matching model, else "generic";
 * returns 0 or a parse error of a built-in text. */
int board_profile_for_model(const char *model, struct board_profile *out, alc_err *err);

/* Loads a profile from a file (a --profile value containing '/'). */
int board_profile_load_file(const char *path, struct board_profile *out, alc_err *err);

/* Resolves a --profile value: NULL picks by model (board_profile_for_model),
 * a value with '/' is a file, anything else a built-in name. */
int board_profile_choose(const char *arg, const char *model, struct board_profile *out,
			 alc_err *err);

/* Writes the built-in profile names, space-separated, into buf; returns buf. */
char *board_profile_names(char *buf, size_t len);

#endif
