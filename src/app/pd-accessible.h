/* pd-accessible.h: what libadwaita 1.2 leaves unnamed for screen readers. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The text inside an AdwEntryRow takes the focus but carries no name in libadwaita 1.2, so a
 * screen reader announces an unnamed text field: these give it the row's title, kept in step
 * when the title changes. */
void pd_accessible_label_entry_row  (AdwEntryRow *row);
/* Every entry row under @root, for rows declared in templates. */
void pd_accessible_label_entry_rows (GtkWidget   *root);

G_END_DECLS
