/* gw_err: error codes and the error record every fallible function fills.
 *
 * Functions that can fail return a gw_rc and take a `gw_err *err` last. The
 * first error recorded wins: later gw_err_set() calls on an err that already
 * holds an error leave it alone, so a caller can report the root cause. */
#ifndef GW_ERR_H
#define GW_ERR_H

#include <stddef.h>

typedef enum {
	GW_OK = 0,
	GW_ENOMEM,   /* allocation failed */
	GW_EIO,      /* file system error; err->sys holds errno */
	GW_EINVAL,   /* bad argument or input from the caller */
	GW_ENOTFOUND,/* no such document, index or field */
	GW_EFORMAT,  /* the index is not a gongwen index or is damaged */
	GW_EVERSION, /* the index was written by another format version */
	GW_ELMDB,    /* LMDB failed; err->sys holds the LMDB code */
	GW_EICU,     /* ICU failed; err->sys holds the UErrorCode */
	GW_EFULL,    /* the LMDB map is full (retryable after growing it) */
	GW_ECORRUPT  /* the index is damaged: a length or an LMDB page read from
	              * disk does not hold together; the message names the
	              * table and the key or page ("index damaged: table post,
	              * key ...: ...") */
} gw_rc;

typedef struct gw_err {
	gw_rc rc;
	int sys;        /* errno, LMDB or ICU code when relevant, else 0 */
	char msg[512];  /* git style: lower case, no final period */
} gw_err;

/* Clears err (may be NULL). */
void gw_err_clear(gw_err *err);

/* Records an error unless err already holds one; returns the rc that err
 * holds afterwards, so `return gw_err_set(err, ...)` propagates the first
 * error. err may be NULL, in which case rc is returned. */
gw_rc gw_err_set(gw_err *err, gw_rc rc, int sys, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* A short English name for rc ("out of memory", ...). Static storage. */
const char *gw_rc_name(gw_rc rc);

#endif
