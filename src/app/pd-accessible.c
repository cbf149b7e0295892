/* pd-accessible.c: names for screen readers what libadwaita 1.2 leaves unnamed. */
#define G_LOG_DOMAIN "pd-accessible"

#include "config.h"

#include "pd-accessible.h"

static void
title_changed_cb (AdwEntryRow *row)
{
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    title != NULL ? title : "", -1);
}

void
pd_accessible_label_entry_row (AdwEntryRow *row)
{
  g_return_if_fail (ADW_IS_ENTRY_ROW (row));

  if (g_object_get_data (G_OBJECT (row), "pd-accessible-labelled") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "pd-accessible-labelled", GINT_TO_POINTER (TRUE));
  title_changed_cb (row);
  g_signal_connect (row, "notify::title", G_CALLBACK (title_changed_cb), NULL);
}

void
pd_accessible_label_entry_rows (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (ADW_IS_ENTRY_ROW (root))
    pd_accessible_label_entry_row (ADW_ENTRY_ROW (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    pd_accessible_label_entry_rows (child);
}
