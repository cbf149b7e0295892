/* pd-text.h: folding Vietnamese text for comparison and search. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char   *pd_text_fold   (const char *text);
char  **pd_text_words  (const char *text);
gboolean pd_text_equal_folded (const char *a,
                               const char *b);

G_END_DECLS
