/* pd-dialog-page.c: the layout shared by the small form dialogs (day report, trip). */
#define G_LOG_DOMAIN "pd-dialog-page"

#include "config.h"

#include "pd-dialog-page.h"

AdwPreferencesPage *
pd_dialog_page_fill (AdwWindow  *dialog,
                     const char *cancel_label,
                     GtkWidget  *action)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (cancel_label);
  GtkWidget *page = adw_preferences_page_new ();

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), dialog);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  gtk_widget_add_css_class (action, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), action);
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (dialog, box);
  return ADW_PREFERENCES_PAGE (page);
}
