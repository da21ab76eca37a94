#include "read/gw_attach.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/gw_norm.h"
#include "text/gw_utf8.h"

/* A listed attachment (its name, folded) or a link (the file name it
 * points to), of links[link]. */
struct gw_attach_key {
	uint32_t *cp;  /* folded name; NULL for a link */
	size_t n;
	char *file;    /* a link's file name; NULL for a listed name */
	unsigned ordinal;
	size_t link;
};

/* Characters the names are compared without: white space and punctuation. */
static int ignored(uint32_t c)
{
	return c <= 0x20 || (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) ||
	       (c >= 0x2010 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
	       (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
	       c == 0xB7 || c == 0xFEFF;
}

/* s[0..len) as code points without white space and punctuation, full-width
 * ASCII as ASCII, lower case, Traditional as Simplified. */
static uint32_t *fold(const char *s, size_t len, size_t *n)
{
	uint32_t *cp = malloc((len + 1) * sizeof *cp);
	size_t i = 0;

	*n = 0;
	if (!cp)
		return NULL;
	while (i < len) {
		int32_t c = gw_utf8_next(s, len, &i);
		if (c < 0)
			continue;
		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFEE0;
		if (ignored((uint32_t)c))
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		cp[(*n)++] = gw_t2s((uint32_t)c);
	}
	return cp;
}

static int contains(const uint32_t *h, size_t hn, const uint32_t *nd, size_t nn)
{
	for (size_t i = 0; nn && i + nn <= hn; i++)
		if (memcmp(h + i, nd, nn * sizeof *nd) == 0)
			return 1;
	return 0;
}

/* The value of a numeral at s (ASCII or full-width digits, or 一 to 十),
 * its bytes in *used; 0 if none. */
static unsigned numeral(const char *s, size_t len, size_t *used)
{
	static const char *const han[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
	unsigned v = 0;
	size_t i = 0;

	*used = 0;
	while (i < len) {
		size_t j = i;
		int32_t c = gw_utf8_next(s, len, &j);
		if (c >= 0xFF10 && c <= 0xFF19)
			c -= 0xFEE0;
		if (c < '0' || c > '9' || v > 100000)
			break;
		v = v * 10 + (unsigned)(c - '0');
		i = j;
	}
	if (i == 0)
		for (unsigned k = 0; k < 10; k++)
			if (len >= 3 && memcmp(s, han[k], 3) == 0) {
				v = k + 1;
				i = 3;
				break;
			}
	*used = i;
	return v;
}

/* Skips white space and the separators between a number and a name. */
static size_t skip_seps(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		int32_t c = gw_utf8_next(s, len, &j);
		if (!(c == ' ' || c == '\t' || c == '.' || c == ':' || c == '-' || c == '_' || c == ')' ||
		      c == '(' || c == 0x3000 || c == 0xFF1A || c == 0x3001 || c == 0xFF0E || c == 0xFF09 ||
		      c == 0xFF08 || c == 0x2014 || c == 0xFF0D))
			break;
		i = j;
	}
	return i;
}

/* A name without its leading 附件 and number (*ordinal, 0 if none) and
 * numbering (1. 1、 (1)), and without a file extension: [*b, *e). */
static void bare_name(const char *s, size_t len, const char **b, size_t *n, unsigned *ordinal)
{
	size_t i = skip_seps(s, len), used;

	*ordinal = 0;
	if (len - i >= 6 && memcmp(s + i, "附件", 6) == 0) {
		i += 6;
		i += skip_seps(s + i, len - i);
	}
	*ordinal = numeral(s + i, len - i, &used);
	if (used) {
		i += used;
		i += skip_seps(s + i, len - i);
	}
	*b = s + i;
	*n = len - i;
	/* .xlsx, .pdf ...: up to 5 ASCII letters or digits after the last dot */
	for (size_t k = *n; k > 0 && *n - k <= 5; k--) {
		unsigned char c = (unsigned char)(*b)[k - 1];
		if (c == '.' && k < *n) {
			*n = k - 1;
			break;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			break;
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int add_key(gw_attach *a, gw_attach_key k)
{
	gw_attach_key *keys = realloc(a->keys, (a->nkeys + 1) * sizeof *keys);

	if (!keys) {
		free(k.cp);
		free(k.file);
		a->oom = 1;
		return -1;
	}
	a->keys = keys;
	a->keys[a->nkeys++] = k;
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The file name a link points to: its last path part, without ?query or
 * #fragment, %XX decoded. */
static char *link_file(const char *href)
{
	const char *s = href, *e;
	char *out, *o;

	for (const char *p = href; *p && *p != '?' && *p != '#'; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	e = s + strcspn(s, "?#");
	if (!(out = o = malloc((size_t)(e - s) + 1)))
		return NULL;
	for (; s < e; s++) {
		static const char hex[] = "0123456789abcdef0123456789ABCDEF";
		const char *h1, *h2;
		if (*s == '%' && e - s >= 3 && (h1 = memchr(hex, s[1], 32)) && (h2 = memchr(hex, s[2], 32))) {
			*o++ = (char)(((h1 - hex) % 16) << 4 | (h2 - hex) % 16);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

void gw_attach_note(gw_attach *a, const char *id, const gw_notice *n)
{
	const char *list = n->part[GW_NP_ATTACHMENTS];
	gw_attach_link *links, l;
	unsigned count = 0;

	if (!list && !n->nlinks)
		return;
	l.id = strdup(id);
	l.title = dup_or_null(n->part[GW_NP_TITLE]);
	l.number = dup_or_null(n->part[GW_NP_NUMBER]);
	l.date = dup_or_null(n->part[GW_NP_DATE]);
	links = realloc(a->links, (a->nlinks + 1) * sizeof *links);
	if (!links || !l.id) {
		free(l.id), free(l.title), free(l.number), free(l.date);
		a->oom = 1;
		return;
	}
	a->links = links;
	a->links[a->nlinks++] = l;
	for (size_t i = 0; i < n->nlinks; i++) {
		gw_attach_key k = {NULL, 0, link_file(n->links[i]), 0, a->nlinks - 1};
		if (!k.file || add_key(a, k))
			return;
	}
	/* One listed attachment a line; a line that is only "附件：" holds none. */
	for (const char *s = list; s && *s;) {
		size_t len = strcspn(s, "\n"), bn;
		const char *b;
		unsigned ord;
		bare_name(s, len, &b, &bn, &ord);
		if (bn > 0) {
			gw_attach_key k = {fold(b, bn, &bn), 0, NULL, ord ? ord : count + 1, a->nlinks - 1};
			k.n = bn;
			count++;
			if (!k.cp || (k.n > 0 && add_key(a, k))) {
				a->oom |= !k.cp;
				return;
			}
			if (k.n == 0)
				free(k.cp);
		}
		s += len + (s[len] == '\n');
	}
}

const gw_attach_link *gw_attach_find(const gw_attach *a, const char *path)
{
	const char *file = base_name(path), *b;
	size_t bn, n, lister = (size_t)-1;
	unsigned ord;
	uint32_t *key;
	const gw_attach_link *found = NULL;

	for (size_t i = 0; i < a->nkeys; i++)
		if (a->keys[i].file && strcmp(a->keys[i].file, file) == 0 &&
		    strcmp(a->links[a->keys[i].link].id, path) != 0)
			return &a->links[a->keys[i].link];
	bare_name(file, strlen(file), &b, &bn, &ord);
	if (!(key = fold(b, bn, &n)))
		return NULL;
	for (size_t i = 0; i < a->nkeys && !found; i++) {
		const gw_attach_key *k = &a->keys[i];
		const gw_attach_link *l = &a->links[k->link];
		if (!k->cp || strcmp(l->id, path) == 0)
			continue;
		if (n > 0 && ((k->n == n && memcmp(k->cp, key, n * sizeof *key) == 0) ||
		              (n >= 4 && k->n >= 4 && (contains(key, n, k->cp, k->n) || contains(k->cp, k->n, key, n)))))
			found = l;
	}
	free(key);
	if (found || n > 0 || ord == 0)
		return found;
	/* 附件2.xlsx: the second attachment of the one notice that lists any. */
	for (size_t i = 0; i < a->nkeys; i++) {
		if (!a->keys[i].cp)
			continue;
		if (lister != (size_t)-1 && lister != a->keys[i].link)
			return NULL; /* two notices list attachments: whose is it? */
		lister = a->keys[i].link;
	}
	for (size_t i = 0; lister != (size_t)-1 && i < a->nkeys; i++)
		if (a->keys[i].cp && a->keys[i].ordinal == ord && strcmp(a->links[lister].id, path) != 0)
			return &a->links[lister];
	return NULL;
}

int gw_attach_first(const char *path)
{
	static const char *const tables[] = {".csv", ".tsv", ".xlsx", ".jsonl", NULL};
	const char *file = base_name(path), *dot = strrchr(file, '.');

	if (strncmp(file, "附件", 6) == 0)
		return 0;
	for (size_t i = 0; dot && tables[i]; i++)
		if (strcasecmp(dot, tables[i]) == 0)
			return 0;
	return 1;
}

void gw_attach_free(gw_attach *a)
{
	for (size_t i = 0; i < a->nkeys; i++) {
		free(a->keys[i].cp);
		free(a->keys[i].file);
	}
	for (size_t i = 0; i < a->nlinks; i++) {
		free(a->links[i].id);
		free(a->links[i].title);
		free(a->links[i].number);
		free(a->links[i].date);
	}
	free(a->keys);
	free(a->links);
	memset(a, 0, sizeof *a);
}
