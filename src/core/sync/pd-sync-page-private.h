/* pd-sync-page-private.h: the page request every paged pull makes, the engine's and the queue's. */
#pragma once

#include "pd-store.h"

G_BEGIN_DECLS

/* The most items a pull asks for in one page. */
#define PD_SYNC_PAGE_LIMIT 500

/* GET's path and query for the page of @endpoint after the cursor saved in @store's setting
 * @cursor_setting, from the first when there is none; @cursor (nullable) gets that cursor,
 * "" for none. */
char *pd_sync_page_request (PdStore     *store,
                            const char  *endpoint,
                            const char  *cursor_setting,
                            char       **cursor);

G_END_DECLS
