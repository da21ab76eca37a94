/* gw_attach: attachments belong to their notice.
 *
 * A notice lists its attachments (附件：1. 第三批示范名单  2. 备案表) and a
 * web page links to them (<a href="附件1.xlsx">); the files themselves
 * are saved beside it. When gongwen-index walks a folder, it reads the
 * notices of the folder first (gw_attach_first) and notes what each lists
 * and links to (gw_attach_note); then each document of a file that is one
 * of those attachments is delivered with its notice's link fields, as the
 * rows of a notice's own tables are: _notice, _notice_title, _number,
 * _date, and the number once more in the indexed field "notice_number",
 * so that searching the notice's number finds its attachments' records.
 *
 * A file is a notice's attachment when, in the same folder:
 *   - the notice links to it (the href's last part, %XX decoded, is the
 *     file's name); or
 *   - its name, without the extension and a leading 附件 and number
 *     (附件1：, 附件2-, 附件一_), is one of the notice's listed attachments,
 *     or holds one or is held by one (4 characters at least), compared
 *     without spaces and punctuation, Traditional as Simplified; or
 *   - its name is only 附件N and the one notice of the folder that lists
 *     attachments lists an N-th.
 * The first notice that matches (in name order) wins; a file is never its
 * own attachment. */
#ifndef GW_ATTACH_H
#define GW_ATTACH_H

#include <stddef.h>

#include "notice/gw_notice.h"

typedef struct gw_attach_link {
	char *id, *title, *number, *date; /* the notice's; NULL when it has none */
} gw_attach_link;

typedef struct gw_attach_key gw_attach_key;

/* The attachments noted in one folder. Zeroed: empty. */
typedef struct gw_attach {
	gw_attach_link *links;
	size_t nlinks;
	gw_attach_key *keys;
	size_t nkeys;
	int oom;  /* a note was lost to memory */
} gw_attach;

/* Notes the attachments notice n (of id id) lists and links to. */
void gw_attach_note(gw_attach *a, const char *id, const gw_notice *n);
/* The notice the file at path is an attachment of, or NULL. */
const gw_attach_link *gw_attach_find(const gw_attach *a, const char *path);
/* Whether the file name may be a notice that lists attachments (read in
 * the first pass of a folder): not a table format, and not named 附件... */
int gw_attach_first(const char *path);
void gw_attach_free(gw_attach *a);

#endif
