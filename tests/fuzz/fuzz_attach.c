/* fuzz_attach: the attachment matcher (gw_attach_note, gw_attach_find,
 * lib/read/gw_attach.c) on any bytes: the input, split at its first two
 * NUL bytes, is a notice's 附件 part, a link's href and a file name; the
 * notice is noted under two ids and the file looked up under a path. A
 * link found must be one of the noted notices, never the file itself.
 * Seeds: attachment lists and links as notices write them. */
#include "read/gw_attach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3), *part, *href, *file, *path;
	gw_notice n;
	gw_attach a;
	const gw_attach_link *l;
	size_t len;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	part = buf;
	href = part + strlen(part) + 1;
	if (href > buf + size)
		href = buf + size + 1;
	file = href + strlen(href) + 1;
	if (file > buf + size + 1)
		file = buf + size + 2;
	memset(&n, 0, sizeof n);
	memset(&a, 0, sizeof a);
	n.part[GW_NP_ATTACHMENTS] = part;
	n.part[GW_NP_TITLE] = "通知";
	n.links = &href;
	n.nlinks = 1;
	gw_attach_note(&a, "dir/notice.txt", &n);
	n.nlinks = 0;
	gw_attach_note(&a, "dir/page.html", &n);
	len = strlen(file) + 5;
	path = malloc(len);
	if (path) {
		snprintf(path, len, "dir/%s", file);
		l = gw_attach_find(&a, path);
		GW_FUZZ_CHECK(!l || strcmp(l->id, "dir/notice.txt") == 0 || strcmp(l->id, "dir/page.html") == 0);
		GW_FUZZ_CHECK(!l || strcmp(l->id, path) != 0);
		free(path);
	}
	gw_attach_free(&a);
	free(buf);
	return 0;
}
