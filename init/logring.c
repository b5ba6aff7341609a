/* A per-service output ring that keeps the newest lines. */
#include "logring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int logring_init(struct logring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	if (cap == 0)
		return -EINVAL;
	r->buf = malloc(cap);
	if (!r->buf)
		return -ENOMEM;
	r->cap = cap;
	return 0;
}

void logring_free(struct logring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

static char at(const struct logring *r, size_t off)
{
	return r->buf[(r->start + off) % r->cap];
}

static void drop_front(struct logring *r, size_t n)
{
	r->start = (r->start + n) % r->cap;
	r->len -= n;
	r->dropped += n;
}

/* After a drop that cut a line, drops the rest of that line too, unless it
 * is all the ring holds (then it stays, marked cut). */
static void trim_to_line(struct logring *r)
{
	for (size_t i = 0; i + 1 < r->len; i++)
		if (at(r, i) == '\n') {
			drop_front(r, i + 1);
			r->cut = false;
			return;
		}
	r->cut = true;
}

void logring_append(struct logring *r, const void *data, size_t n)
{
	const char *p = data;
	bool dropped = false, boundary = true;
	if (n == 0 || !r->buf)
		return;
	if (n >= r->cap) { /* only the newest cap bytes of data can stay */
		size_t skip = n - r->cap;
		boundary = skip ? p[skip - 1] == '\n' : r->len == 0 || at(r, r->len - 1) == '\n';
		dropped = r->len > 0 || skip > 0;
		r->dropped += r->len + skip;
		r->start = r->len = 0;
		p += skip;
		n = r->cap;
	} else if (r->len + n > r->cap) {
		size_t need = r->len + n - r->cap;
		boundary = at(r, need - 1) == '\n';
		drop_front(r, need);
		dropped = true;
	}
	size_t end = (r->start + r->len) % r->cap, first = r->cap - end < n ? r->cap - end : n;
	memcpy(r->buf + end, p, first);
	memcpy(r->buf, p + first, n - first);
	r->len += n;
	if (dropped && boundary)
		r->cut = false;
	else if (dropped)
		trim_to_line(r);
}

/* Points iov at the held bytes from logical offset off on. */
static int spans_from(const struct logring *r, size_t off, struct iovec iov[2])
{
	if (off >= r->len)
		return 0;
	size_t from = (r->start + off) % r->cap, n = r->len - off;
	size_t first = r->cap - from < n ? r->cap - from : n;
	iov[0] = (struct iovec){ .iov_base = r->buf + from, .iov_len = first };
	if (first == n)
		return 1;
	iov[1] = (struct iovec){ .iov_base = r->buf, .iov_len = n - first };
	return 2;
}

int logring_spans(const struct logring *r, struct iovec iov[2])
{
	return spans_from(r, 0, iov);
}

int logring_tail(const struct logring *r, size_t lines, struct iovec iov[2])
{
	if (lines == 0 || r->len == 0)
		return 0;
	size_t i = r->len - 1; /* a final newline ends the last line */
	while (i > 0) {
		if (at(r, i - 1) == '\n' && --lines == 0)
			return spans_from(r, i, iov);
		i--;
	}
	return spans_from(r, 0, iov);
}

size_t logring_copy(const struct logring *r, char *out, size_t size)
{
	struct iovec iov[2];
	int n = logring_spans(r, iov);
	size_t done = 0;
	for (int k = 0; k < n && done < size; k++) {
		size_t c = iov[k].iov_len < size - done ? iov[k].iov_len : size - done;
		memcpy(out + done, iov[k].iov_base, c);
		done += c;
	}
	return done;
}
