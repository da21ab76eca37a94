/* fuzz_record: the stored record decoder (gw_record_parse) on arbitrary
 * bytes, as a damaged "docs" value would be, with and without the index's
 * zstd dictionary.
 *
 * Input: mode:u8, then the record value. mode & 1: unpack with the
 * dictionary made in LLVMFuzzerInitialize (fuzz_dict.h: the seeds' packed
 * fields were made with it); mode & 2: parse without texts too. Every
 * text a parse returns is read to its end (a length past the value or the
 * unpacked buffer is what the sanitizers catch). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/gw_record.h"
#include "fuzz_dict.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gw_zdict *dict;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dict = fuzz_dict();
	return 0;
}

static volatile unsigned sink;

static void touch(const gw_record *r, int texts)
{
	unsigned s = 0;

	for (size_t i = 0; i < r->id_len; i++)
		s += (unsigned char)r->id[i];
	for (unsigned f = 0; texts && f < r->nf; f++)
		for (size_t i = 0; r->text[f] && i < r->text_len[f]; i++)
			s += (unsigned char)r->text[f][i];
	sink = s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_unpacker u = GW_UNPACKER_INIT;
	gw_buf unz = GW_BUF_INIT;
	gw_record rec;
	unsigned char *v;
	size_t len;

	if (size < 1)
		return 0;
	if (!dict)
		dict = fuzz_dict();
	len = size - 1;
	v = malloc(len ? len : 1);
	if (!v)
		return 0;
	memcpy(v, data + 1, len);
	u.dict = data[0] & 1 ? dict : NULL;
	/* Without texts, only the id and the field lengths are set. */
	if (data[0] & 2 && gw_record_parse(v, len, &rec, 0, NULL, NULL) == 0)
		touch(&rec, 0);
	if (gw_record_parse(v, len, &rec, 1, NULL, NULL) == 0)
		touch(&rec, 1);
	if (gw_record_parse(v, len, &rec, 1, &unz, &u) == 0)
		touch(&rec, 1);
	gw_buf_free(&unz);
	gw_unpacker_free(&u);
	free(v);
	return 0;
}
