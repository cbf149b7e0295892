/* pd-day-report-printer.c: counts a station's day in a worker and prints the report. */
#define G_LOG_DOMAIN "pd-day-report-printer"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-day-report-printer.h"
#include "sync/pd-device.h"

struct _PdDayReportPrinter
{
  GObject       parent_instance;

  PdPrintQueue *queue;
  GCancellable *cancellable;
  PdDayReport   report;
  gboolean      have_report;
};

G_DEFINE_FINAL_TYPE (PdDayReportPrinter, pd_day_report_printer, G_TYPE_OBJECT)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GDate        day;
  PdDayReport  report;
  PdStore     *store;
  GSettings   *settings;
} DayData;

static void
day_data_free (DayData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->settings);
  g_free (data);
}

static void
day_report_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DayData *data = task_data;
  GError *error = NULL;

  if (pd_day_report_count (data->store, &data->day, &data->report, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
day_report_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  PdDayReportPrinter *self = PD_DAY_REPORT_PRINTER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *office = NULL;
  g_autofree char *office_code = NULL;
  g_autofree char *station = NULL;
  DayData *data = g_task_get_task_data (G_TASK (result));
  char file[32];

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot count the day: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[MESSAGE], 0, message);
      return;
    }
  self->report = data->report;
  self->have_report = TRUE;
  office = pd_store_get_setting (data->store, PD_DEVICE_SETTING_OFFICE_NAME);
  /* The device id means nothing to the team leader who signs the report. */
  office_code = pd_store_get_setting (data->store, PD_DEVICE_SETTING_OFFICE_CODE);
  if (office_code == NULL)
    office_code = g_settings_get_string (data->settings, "office-code");
  station = pd_day_report_station_name (office_code, g_settings_get_uint (data->settings, "counter"),
                                        g_get_host_name ());
  document = pd_day_report_build (&data->report, &data->day, office, station);
  g_date_strftime (file, sizeof file, "day-report-%Y-%m-%d", &data->day);
  pd_print_queue_print (self->queue, PD_PRINT_JOB_OTHER, &(PdPrintQueueItem) { document, file }, 1, NULL);
}

void
pd_day_report_printer_print (PdDayReportPrinter *self,
                             PdStore            *store,
                             GSettings          *settings,
                             const GDate        *day)
{
  g_autoptr(GTask) task = NULL;
  DayData *data;

  g_return_if_fail (PD_IS_DAY_REPORT_PRINTER (self));
  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (G_IS_SETTINGS (settings));

  data = g_new0 (DayData, 1);
  data->day = *day;
  data->store = g_object_ref (store);
  data->settings = g_object_ref (settings);
  /* The task holds the printer until it has answered. */
  task = g_task_new (self, self->cancellable, day_report_cb, NULL);
  g_task_set_source_tag (task, pd_day_report_printer_print);
  g_task_set_task_data (task, data, (GDestroyNotify) day_data_free);
  g_task_run_in_thread (task, day_report_thread);
}

gboolean
pd_day_report_printer_get_report (PdDayReportPrinter *self,
                                  PdDayReport        *report)
{
  g_return_val_if_fail (PD_IS_DAY_REPORT_PRINTER (self), FALSE);
  if (self->have_report)
    *report = self->report;
  return self->have_report;
}

PdDayReportPrinter *
pd_day_report_printer_new (PdPrintQueue *queue,
                           GCancellable *cancellable)
{
  PdDayReportPrinter *self;

  g_return_val_if_fail (PD_IS_PRINT_QUEUE (queue), NULL);

  self = g_object_new (PD_TYPE_DAY_REPORT_PRINTER, NULL);
  self->queue = g_object_ref (queue);
  if (cancellable != NULL)
    self->cancellable = g_object_ref (cancellable);
  return self;
}

static void
pd_day_report_printer_finalize (GObject *object)
{
  PdDayReportPrinter *self = PD_DAY_REPORT_PRINTER (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pd_day_report_printer_parent_class)->finalize (object);
}

static void
pd_day_report_printer_class_init (PdDayReportPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_day_report_printer_finalize;

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_day_report_printer_init (PdDayReportPrinter *self)
{
}
