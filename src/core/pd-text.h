/* pd-text.h: folding Vietnamese text for comparison and search. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char   *pd_text_fold   (const char *text);
char  **pd_text_words  (const char *text);
gboolean pd_text_equal_folded (const char *a,
                               const char *b);
/* Whether each word of @query, folded, begins a word of @folded_text (a pd_text_fold()
 * result), as a list searched by typing: "ha" and "HÀ N" find "Hà Nội", "dak" finds
 * "Đắk Lắk", "hoan kiem" finds "Phường Hoàn Kiếm". An empty @query finds everything. */
gboolean pd_text_search_matches (const char *folded_text,
                                 const char *query);

G_END_DECLS
