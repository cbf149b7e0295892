/* pd-trip-preparation.c: pulls what a mobile team takes along, then counts it in a worker. */
#define G_LOG_DOMAIN "pd-trip-preparation"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-trip.h"
#include "pd-trip-preparation.h"

struct _PdTripPreparation
{
  GObject       parent_instance;

  GCancellable *cancellable;
  guint         n_chosen;
  guint         n_total;
  gboolean      ready;
};

G_DEFINE_FINAL_TYPE (PdTripPreparation, pd_trip_preparation, G_TYPE_OBJECT)

enum {
  READY,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  PdStore *store;
  GStrv    communes;
  guint    n_chosen;
  guint    n_total;
} TripData;

static void
trip_data_free (TripData *data)
{
  g_clear_object (&data->store);
  g_strfreev (data->communes);
  g_free (data);
}

static void
say (PdTripPreparation *self,
     const char        *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
trip_count_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TripData *data = task_data;
  GError *error = NULL;

  if (pd_trip_count_declarations (data->store, (const char * const *) data->communes,
                                  &data->n_chosen, &data->n_total, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
trip_counted_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PdTripPreparation *self = PD_TRIP_PREPARATION (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  TripData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      message = g_strdup_printf (_("The trip is not ready: %s. Connect to the network and prepare it "
                                   "again."), error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, message);
      return;
    }
  self->n_chosen = data->n_chosen;
  self->n_total = data->n_total;
  self->ready = TRUE;
  g_signal_emit (self, signals[READY], 0, data->n_chosen, data->n_total);
  message = g_strdup_printf (_("Trip ready: %u declarations of the chosen communes (%u of the office) and "
                               "the reference tables are on this computer. It can work offline now."),
                             data->n_chosen, data->n_total);
  say (self, message);
}

static void
trip_pulled_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) count = user_data;
  g_autoptr(PdSyncReport) report = NULL;
  GError *error = NULL;

  /* The count says what is on this computer after the pull, or why it could not be done. */
  if (!pd_sync_engine_sync_finish (PD_SYNC_ENGINE (object), result, &report, &error))
    g_task_return_error (count, error);
  else
    g_task_run_in_thread (count, trip_count_thread);
}

void
pd_trip_preparation_start (PdTripPreparation  *self,
                           PdStore            *store,
                           PdSyncEngine       *engine,
                           const char * const *communes)
{
  g_autofree char *joined = NULL;
  g_autoptr(GError) error = NULL;
  GTask *count;
  TripData *data;

  g_return_if_fail (PD_IS_TRIP_PREPARATION (self));
  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (engine == NULL || PD_IS_SYNC_ENGINE (engine));

  if (engine == NULL)
    {
      say (self, _("This station is not enrolled with the central system, so it cannot download "
                   "declarations. Enroll it first (passdesk-cli enroll)."));
      return;
    }
  joined = g_strjoinv (",", (char **) communes);
  if (!pd_store_set_setting (store, PD_TRIP_SETTING_COMMUNES, joined, &error))
    {
      say (self, error->message);
      return;
    }
  self->ready = FALSE;
  data = g_new0 (TripData, 1);
  data->store = g_object_ref (store);
  data->communes = g_strdupv ((char **) communes);
  count = g_task_new (self, self->cancellable, trip_counted_cb, NULL);
  g_task_set_source_tag (count, pd_trip_preparation_start);
  g_task_set_task_data (count, data, (GDestroyNotify) trip_data_free);
  say (self, _("Downloading the declarations and the reference tables…"));
  /* Declarations, reference tables and statuses: the pull of a normal pass. */
  pd_sync_engine_sync_async (engine, PD_SYNC_PULL, self->cancellable, trip_pulled_cb, count);
}

gboolean
pd_trip_preparation_get_counts (PdTripPreparation *self,
                                guint             *n_chosen,
                                guint             *n_total)
{
  g_return_val_if_fail (PD_IS_TRIP_PREPARATION (self), FALSE);
  *n_chosen = self->n_chosen;
  *n_total = self->n_total;
  return self->ready;
}

PdTripPreparation *
pd_trip_preparation_new (GCancellable *cancellable)
{
  PdTripPreparation *self = g_object_new (PD_TYPE_TRIP_PREPARATION, NULL);

  if (cancellable != NULL)
    self->cancellable = g_object_ref (cancellable);
  return self;
}

static void
pd_trip_preparation_finalize (GObject *object)
{
  PdTripPreparation *self = PD_TRIP_PREPARATION (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pd_trip_preparation_parent_class)->finalize (object);
}

static void
pd_trip_preparation_class_init (PdTripPreparationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_trip_preparation_finalize;

  signals[READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_trip_preparation_init (PdTripPreparation *self)
{
}
