/* pd-drop-down.h: drop-downs of long lists (provinces, communes) found by typing. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A drop-down over a GtkStringList whose popup has a search field, focused when it opens:
 * typing keeps the names each word of which begins a word typed, marks and case ignored
 * (pd_text_search_matches()), and Enter picks the first of them. @accessible_name names it
 * for screen readers. */
GtkWidget   *pd_drop_down_new              (const char  *accessible_name);
/* The popup's search field, as typing fills it. */
GtkEditable *pd_drop_down_get_search_entry (GtkDropDown *self);

G_END_DECLS
