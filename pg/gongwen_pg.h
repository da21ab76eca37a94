/* gongwen_pg.h: what the extension's files share. */
#ifndef GONGWEN_PG_H
#define GONGWEN_PG_H

#include "text/gw_analyzer.h"

/* The backend's analyzer, made on first use; raises an ERROR if the
 * database is not UTF-8 or the analyzer cannot be made. */
gw_analyzer *gongwen_pg_analyzer(void);

#endif
