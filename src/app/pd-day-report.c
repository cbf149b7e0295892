/* pd-day-report.c: the dialog that chooses the day of the day report. */
#define G_LOG_DOMAIN "pd-day-report"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-accessible.h"
#include "pd-day-report-private.h"
#include "pd-dialog-page.h"
#include "pd-format.h"

struct _PdDayReportDialog
{
  AdwWindow    parent_instance;

  AdwEntryRow *day_row;
  GtkCalendar *calendar;
  GtkWidget   *message_row;
  GtkLabel    *message_label;
  GtkWidget   *print_button;
  gboolean     syncing;
};

G_DEFINE_FINAL_TYPE (PdDayReportDialog, pd_day_report_dialog, ADW_TYPE_WINDOW)

enum {
  PRINT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_message (PdDayReportDialog *self,
              const char        *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (self->message_row, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->day_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->day_row), "error");
  gtk_widget_set_sensitive (self->print_button, message == NULL);
}

/* The day typed, if it is one a report can be made for: today or before. */
static gboolean
read_day (PdDayReportDialog *self,
          GDate             *day,
          char             **message)
{
  g_autofree char *iso = pd_format_parse_date (gtk_editable_get_text (GTK_EDITABLE (self->day_row)));
  GDate today;

  g_date_clear (day, 1);
  if (iso == NULL)
    {
      *message = g_strdup (_("Type the day as DD/MM/YYYY, for example 05/11/2026, or choose it in the calendar."));
      return FALSE;
    }
  g_date_set_dmy (day, (GDateDay) g_ascii_strtoull (iso + 8, NULL, 10),
                  (GDateMonth) g_ascii_strtoull (iso + 5, NULL, 10),
                  (GDateYear) g_ascii_strtoull (iso, NULL, 10));
  pd_date_set_today (&today);
  if (g_date_compare (day, &today) > 0)
    {
      *message = g_strdup (_("That day has not come yet. Choose today or a day before."));
      return FALSE;
    }
  *message = NULL;
  return TRUE;
}

static void
day_changed_cb (PdDayReportDialog *self)
{
  g_autofree char *message = NULL;
  GDate day;

  if (self->syncing)
    return;
  if (read_day (self, &day, &message))
    {
      g_autoptr(GDateTime) time = g_date_time_new_local (g_date_get_year (&day), g_date_get_month (&day),
                                                         g_date_get_day (&day), 12, 0, 0);

      self->syncing = TRUE;
      gtk_calendar_select_day (self->calendar, time);
      self->syncing = FALSE;
    }
  show_message (self, message);
}

static void
calendar_day_selected_cb (PdDayReportDialog *self)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *text = NULL;

  if (self->syncing)
    return;
  date = gtk_calendar_get_date (self->calendar);
  text = g_date_time_format (date, "%d/%m/%Y");
  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->day_row), text);
  self->syncing = FALSE;
  /* The calendar offers days to come as well: they are refused like typed ones. */
  {
    g_autofree char *message = NULL;
    GDate day;

    read_day (self, &day, &message);
    show_message (self, message);
  }
}

gboolean
pd_day_report_dialog_print (PdDayReportDialog *self)
{
  g_autofree char *message = NULL;
  GDate day;

  g_return_val_if_fail (PD_IS_DAY_REPORT_DIALOG (self), FALSE);

  if (!read_day (self, &day, &message))
    {
      show_message (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->day_row));
      return FALSE;
    }
  g_signal_emit (self, signals[PRINT], 0, &day);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
print_clicked_cb (PdDayReportDialog *self)
{
  pd_day_report_dialog_print (self);
}

GtkEditable *
pd_day_report_dialog_get_day_editable (PdDayReportDialog *self)
{
  g_return_val_if_fail (PD_IS_DAY_REPORT_DIALOG (self), NULL);
  return GTK_EDITABLE (self->day_row);
}

const char *
pd_day_report_dialog_get_message (PdDayReportDialog *self)
{
  g_return_val_if_fail (PD_IS_DAY_REPORT_DIALOG (self), NULL);
  return gtk_widget_get_visible (self->message_row) ? gtk_label_get_label (self->message_label) : NULL;
}

static void
pd_day_report_dialog_class_init (PdDayReportDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[PRINT] = g_signal_new ("print", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1,
                                 G_TYPE_DATE | G_SIGNAL_TYPE_STATIC_SCOPE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pd_day_report_dialog_init (PdDayReportDialog *self)
{
  AdwPreferencesPage *page;
  GtkWidget *group, *label;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%d/%m/%Y");

  self->print_button = gtk_button_new_with_mnemonic (_("_Print"));
  gtk_widget_set_tooltip_text (self->print_button, _("Print the report of the chosen day"));
  g_signal_connect_swapped (self->print_button, "clicked", G_CALLBACK (print_clicked_cb), self);
  page = pd_dialog_page_fill (ADW_WINDOW (self), _("_Cancel"), self->print_button);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("What this station did on the chosen day: applications taken, "
                                           "sent, refused and on hold. Today is chosen; for a day before, "
                                           "type it or pick it in the calendar."));
  self->day_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->day_row), _("Day of the report (DD/MM/YYYY)"));
  gtk_editable_set_text (GTK_EDITABLE (self->day_row), today);
  g_signal_connect_swapped (self->day_row, "changed", G_CALLBACK (day_changed_cb), self);
  g_signal_connect_swapped (self->day_row, "entry-activated", G_CALLBACK (print_clicked_cb), self);
  pd_accessible_label_entry_row (self->day_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->day_row));

  self->message_row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->message_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self->message_row), FALSE);
  gtk_widget_set_focusable (self->message_row, FALSE);
  label = g_object_new (GTK_TYPE_LABEL,
                        "accessible-role", GTK_ACCESSIBLE_ROLE_ALERT,
                        "wrap", TRUE,
                        "xalign", 0.0f,
                        "margin-start", 12,
                        "margin-end", 12,
                        "margin-top", 6,
                        "margin-bottom", 6,
                        NULL);
  gtk_widget_add_css_class (label, "error");
  self->message_label = GTK_LABEL (label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->message_row), label);
  gtk_widget_set_visible (self->message_row, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->message_row);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->calendar), "card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->calendar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Day of the report"), -1);
  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (calendar_day_selected_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->calendar));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
}

PdDayReportDialog *
pd_day_report_dialog_new (GtkWindow *parent)
{
  PdDayReportDialog *self = g_object_new (PD_TYPE_DAY_REPORT_DIALOG,
                                          "transient-for", parent,
                                          "modal", TRUE,
                                          "title", _("Day Report"),
                                          "default-width", 420,
                                          NULL);

  /* Enter prints today's; typing replaces it. */
  gtk_widget_grab_focus (GTK_WIDGET (self->day_row));
  return self;
}
