/* pd-station.c: what a window works with: store, enrollment, who works here, sync engine, queue, scans. */
#define G_LOG_DOMAIN "pd-station"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "pd-date.h"
#include "sync/pd-declaration-keys.h"
#include "pd-station.h"
#include "sync/pd-queue-sync.h"

struct _PdStation
{
  GObject              parent_instance;

  char                *database_path;
  PdStore             *store;
  GError              *open_error;
  GCancellable        *cancellable;
  GCancellable        *lookup_cancellable;

  gboolean             enrolled;
  PdSyncEngine        *engine;
  PdSyncClient        *queue_client;
  gboolean             start_sync;

  PdRole               role;
  char                *actor;
  gboolean             role_fixed;
  PdOfficer           *officer;
  char                *sign_in_problem;

  PdQueue             *queue;
  char                *ticket;   /* the ticket called last, until served */
  PdStationTicketFunc  ticket_func;
  gpointer             ticket_data;
  GDestroyNotify       ticket_destroy;
};

G_DEFINE_FINAL_TYPE (PdStation, pd_station, G_TYPE_OBJECT)
G_DEFINE_QUARK (pd-station-error-quark, pd_station_error)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_STORE,
  PROP_OPEN_ERROR,
  PROP_ENROLLED,
  PROP_SYNC_ENGINE,
  PROP_OFFICER,
  PROP_ROLE,
  PROP_ACTOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

PdStation *
pd_station_new (const char *database_path)
{
  return g_object_new (PD_TYPE_STATION, "database-path", database_path, NULL);
}

const char *
pd_station_get_database_path (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->database_path;
}

PdStore *
pd_station_get_store (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->store;
}

const GError *
pd_station_get_open_error (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->open_error;
}

gboolean
pd_station_get_enrolled (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), FALSE);
  return self->enrolled;
}

PdSyncEngine *
pd_station_get_sync_engine (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->engine;
}

PdSyncClient *
pd_station_get_queue_client (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->queue_client;
}

PdRole
pd_station_get_role (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), PD_ROLE_NONE);
  return self->role;
}

const char *
pd_station_get_actor (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->actor;
}

PdOfficer *
pd_station_get_officer (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->officer;
}

const char *
pd_station_get_sign_in_problem (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->sign_in_problem;
}

PdQueue *
pd_station_get_queue (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  return self->queue;
}

static void
set_open_error (PdStation *self,
                GError    *error)
{
  g_clear_error (&self->open_error);
  self->open_error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_ERROR]);
}

/* Who works here */

static void
set_role (PdStation  *self,
          PdRole      role,
          const char *actor)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->actor, actor) != 0)
    {
      g_free (self->actor);
      self->actor = g_strdup (actor);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
    }
  if (self->role != role)
    {
      self->role = role;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_officer (PdStation *self,
             PdOfficer *officer)
{
  if (g_set_object (&self->officer, officer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFICER]);
}

void
pd_station_set_role (PdStation  *self,
                     PdRole      role,
                     const char *actor)
{
  g_return_if_fail (PD_IS_STATION (self));

  self->role_fixed = TRUE;
  set_role (self, role, actor);
  /* Whoever looks at the role applies it now, even when it did not change. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

void
pd_station_sign_in (PdStation *self,
                    PdOfficer *officer)
{
  g_return_if_fail (PD_IS_STATION (self));
  g_return_if_fail (PD_IS_OFFICER (officer));

  if (self->engine != NULL)
    pd_sync_engine_set_token (self->engine, pd_officer_get_token (officer));
  set_officer (self, officer);
  if (!self->role_fixed)
    set_role (self, pd_officer_get_role (officer), pd_officer_get_username (officer));
}

void
pd_station_sign_out (PdStation *self)
{
  g_return_if_fail (PD_IS_STATION (self));

  if (self->engine != NULL)
    pd_sync_engine_set_token (self->engine, NULL);
  set_officer (self, NULL);
  if (!self->role_fixed)
    set_role (self, PD_ROLE_NONE, NULL);
}

/* Enrollment */

/* The sync engine of an enrolled station, and the office's server for the queue. */
static void
attach_engine (PdStation  *self,
               PdDevice   *device,
               const char *token)
{
  g_autoptr(GError) error = NULL;

  if (self->engine != NULL)
    return;
  self->engine = pd_sync_engine_new (self->store, device, NULL, &error);
  if (self->engine == NULL)
    {
      g_warning ("Cannot start sending: %s", error->message);
      return;
    }
  pd_sync_engine_set_token (self->engine, token);
  g_clear_object (&self->queue_client);
  self->queue_client = pd_device_create_client (device, NULL, NULL);
  if (self->start_sync)
    pd_sync_engine_start (self->engine);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

static void
set_enrolled (PdStation *self,
              gboolean   enrolled)
{
  if (self->enrolled == enrolled)
    return;
  self->enrolled = enrolled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENROLLED]);
}

void
pd_station_enroll (PdStation *self,
                   PdDevice  *device)
{
  g_return_if_fail (PD_IS_STATION (self));
  g_return_if_fail (PD_IS_DEVICE (device));
  g_return_if_fail (self->store != NULL);

  set_enrolled (self, TRUE);
  attach_engine (self, device, NULL);
}

/* Opening */

typedef struct
{
  PdStore   *store;
  PdRole     role;
  char      *actor;
  char      *problem;   /* why nobody may accept, or NULL */
  PdDevice  *device;    /* when enrolled */
  char      *token;     /* the officer's, when signed in online */
  PdOfficer *officer;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->store);
  g_free (data->actor);
  g_free (data->problem);
  g_clear_object (&data->device);
  g_clear_object (&data->officer);
  g_free (data->token);
  g_free (data);
}

static void
make_folder_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  PdStation *self = source_object;
  g_autofree char *dir = g_path_get_dirname (self->database_path);

  /* The default location's folder does not exist on a new computer. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* An enrolled station takes the role of the officer signed in; one that is not enrolled is a
 * counter of its own, or an assisted-entry station when its store says so. */
static void
resolve_role_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = pd_device_load (data->store, cancellable, &error);

  if (device == NULL && g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED))
    {
      g_autofree char *role = pd_store_get_setting (data->store, PD_STATION_SETTING_ROLE);

      data->role = g_strcmp0 (role, "volunteer") == 0 ? PD_ROLE_VOLUNTEER : PD_ROLE_OFFICER;
    }
  else if (device == NULL)
    {
      data->role = PD_ROLE_NONE;
      data->problem = g_strdup (error->message);
    }
  else
    {
      g_autoptr(PdOfficer) officer = pd_officer_get_current (data->store, device, cancellable, &error);

      data->device = g_object_ref (device);
      if (officer != NULL)
        {
          data->role = pd_officer_get_role (officer);
          data->actor = g_strdup (pd_officer_get_username (officer));
          data->token = g_strdup (pd_officer_get_token (officer));
          data->officer = g_object_ref (officer);
        }
      else
        {
          data->role = PD_ROLE_NONE;
          data->problem = error != NULL ? g_strdup (error->message) : NULL;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
resolve_role_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdStation *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_set_object (&self->store, data->store);
  set_enrolled (self, data->device != NULL);
  /* An enrolled station sends and fetches by itself; accepting seals packets from now on. */
  if (data->device != NULL)
    attach_engine (self, data->device, data->token);
  set_officer (self, data->officer);
  if (!self->role_fixed)
    set_role (self, data->role, data->actor);
  g_free (self->sign_in_problem);
  self->sign_in_problem = g_strdup (data->problem);
  if (self->ticket_func == NULL && self->queue == NULL)
    self->queue = pd_queue_new (self->store, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_thaw_notify (G_OBJECT (self));
  g_task_return_boolean (task, TRUE);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdStation *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(PdStore) store = pd_store_open_finish (result, &error);
  g_autoptr(GTask) resolve = NULL;
  OpenData *data;

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot open %s: %s", self->database_path, error->message);
          set_open_error (self, g_error_copy (error));
        }
      g_task_return_error (task, error);
      return;
    }

  /* Who may do what is known before the store is: the window shows it with the role. */
  data = g_new0 (OpenData, 1);
  data->store = g_steal_pointer (&store);
  resolve = g_task_new (self, g_task_get_cancellable (task), resolve_role_cb, g_object_ref (task));
  g_task_set_source_tag (resolve, resolve_role_thread);
  g_task_set_task_data (resolve, data, (GDestroyNotify) open_data_free);
  g_task_set_return_on_cancel (resolve, FALSE);
  g_task_run_in_thread (resolve, resolve_role_thread);
}

static void
folder_made_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdStation *self = PD_STATION (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_open_error (self, g_error_copy (error));
      g_task_return_error (task, error);
      return;
    }
  pd_store_open_async (self->database_path, PD_STORE_OPEN_CREATE, g_task_get_cancellable (task),
                       store_opened_cb, g_object_ref (task));
}

void
pd_station_open_async (PdStation           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) folder = NULL;

  g_return_if_fail (PD_IS_STATION (self));
  g_return_if_fail (self->store == NULL);

  if (self->open_error != NULL)
    set_open_error (self, NULL);
  if (cancellable == NULL)
    cancellable = self->cancellable;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_station_open_async);
  folder = g_task_new (self, cancellable, folder_made_cb, g_object_ref (task));
  g_task_set_source_tag (folder, make_folder_thread);
  g_task_run_in_thread (folder, make_folder_thread);
}

gboolean
pd_station_open_finish (PdStation     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pd_station_stop (PdStation *self)
{
  g_return_if_fail (PD_IS_STATION (self));

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->lookup_cancellable);
  if (self->engine != NULL)
    pd_sync_engine_stop (self->engine);
}

/* The counter's queue */

void
pd_station_set_ticket_source (PdStation          *self,
                              PdStationTicketFunc func,
                              gpointer            user_data,
                              GDestroyNotify      destroy)
{
  g_return_if_fail (PD_IS_STATION (self));

  if (self->ticket_destroy != NULL)
    self->ticket_destroy (self->ticket_data);
  self->ticket_func = func;
  self->ticket_data = user_data;
  self->ticket_destroy = destroy;
}

gboolean
pd_station_calls_through_server (PdStation *self)
{
  g_return_val_if_fail (PD_IS_STATION (self), FALSE);
  return self->ticket_func == NULL && self->queue != NULL && self->queue_client != NULL;
}

char *
pd_station_call_next (PdStation   *self,
                      const char  *counter,
                      gboolean    *from_queue,
                      GError     **error)
{
  g_autoptr(PdTicket) ticket = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  g_return_val_if_fail (from_queue != NULL, NULL);

  g_clear_pointer (&self->ticket, g_free);
  *from_queue = TRUE;
  if (self->ticket_func != NULL)
    {
      self->ticket = self->ticket_func (self->ticket_data);
      return g_strdup (self->ticket);
    }
  if (self->queue == NULL)
    {
      *from_queue = FALSE;
      return NULL;
    }
  ticket = pd_queue_call_next (self->queue, counter, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  self->ticket = ticket != NULL ? g_strdup (ticket->label) : NULL;
  return g_strdup (self->ticket);
}

static void
called_next_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdStation *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(PdTicket) ticket = pd_queue_sync_call_next_finish (PD_QUEUE (object), result, NULL, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_free (self->ticket);
  self->ticket = ticket != NULL ? g_strdup (ticket->label) : NULL;
  g_task_return_pointer (task, g_strdup (self->ticket), g_free);
}

void
pd_station_call_next_async (PdStation           *self,
                            const char          *counter,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PD_IS_STATION (self));
  g_return_if_fail (pd_station_calls_through_server (self));

  g_clear_pointer (&self->ticket, g_free);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_station_call_next_async);
  pd_queue_sync_call_next_async (self->queue, self->queue_client, counter, NULL, cancellable,
                                 called_next_cb, task);
}

gboolean
pd_station_call_next_finish (PdStation     *self,
                             GAsyncResult  *result,
                             char         **ticket,
                             GError       **error)
{
  GError *local_error = NULL;
  char *label;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  label = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  *ticket = label;
  return TRUE;
}

void
pd_station_close_ticket (PdStation  *self,
                         const char *label,
                         const char *counter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = NULL;

  g_return_if_fail (PD_IS_STATION (self));

  if (self->queue == NULL || label == NULL || g_strcmp0 (label, self->ticket) != 0)
    return;
  ticket = pd_queue_set_state (self->queue, label, PD_TICKET_SERVED, counter, &error);
  if (ticket == NULL)
    g_warning ("Cannot close ticket %s: %s", label, error->message);
  g_clear_pointer (&self->ticket, g_free);
}

/* Applications */

static void
load_dossier_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  PdStation *self = source_object;
  GError *error = NULL;
  PdDossier *dossier = pd_store_get (self->store, *(gint64 *) task_data, &error);

  if (dossier == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dossier, g_object_unref);
}

void
pd_station_load_dossier_async (PdStation           *self,
                               gint64               id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 *data;

  g_return_if_fail (PD_IS_STATION (self));
  g_return_if_fail (self->store != NULL);

  data = g_new (gint64, 1);
  *data = id;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_station_load_dossier_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, load_dossier_thread);
}

PdDossier *
pd_station_load_dossier_finish (PdStation     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Assisted entry */

gboolean
pd_station_trust_station_key (PdStation   *self,
                              const char  *key_id,
                              GBytes      *public_key,
                              GError     **error)
{
  g_return_val_if_fail (PD_IS_STATION (self), FALSE);
  g_return_val_if_fail (key_id != NULL && public_key != NULL, FALSE);

  /* The keys decide whose declarations a counter takes as they are: not a volunteer's call,
   * and on an enrolled station the supervisor's. */
  if (self->role != PD_ROLE_SUPERVISOR && (self->enrolled || !pd_role_may_accept (self->role)))
    {
      g_set_error_literal (error, PD_STATION_ERROR, PD_STATION_ERROR_NOT_ALLOWED,
                           _("Only a supervisor can trust a station’s key. Ask the supervisor to scan it."));
      return FALSE;
    }
  return pd_declaration_keys_trust (self->store, key_id, public_key, error) &&
         pd_store_audit (self->store, self->actor ? self->actor : g_get_user_name (),
                         "trust-declaration-key", NULL, key_id, error);
}

/* Scans */

PdScanResult *
pd_station_apply_scan (PdStation  *self,
                       const char *text,
                       PdDossier  *dossier,
                       gboolean    blank)
{
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) scan = NULL;
  GDate today;

  g_return_val_if_fail (PD_IS_STATION (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  if (self->store == NULL)
    return pd_scan_result_new_message (_("The database is not open yet: wait a moment, then scan again."));

  if (pd_scan_classify (text, -1) == PD_SCAN_KIND_DECLARATION_QR)
    {
      keys = pd_declaration_keys_load (self->store, &error);
      if (keys == NULL)
        return pd_scan_result_new_message (error->message);
    }

  pd_date_set_today (&today);
  scan = pd_scan_read (text, -1, PD_SCAN_KIND_UNKNOWN, keys, &today, &error);
  if (scan == NULL)
    {
      if (keys != NULL)
        pd_declaration_keys_explain_refusal (self->store, text, &error);
      return pd_scan_result_new_message (error->message);
    }
  return pd_scan_apply (scan, dossier, blank);
}

static PdScanResult *
declaration_result (PdDossier *declaration)
{
  PdScanResult *result = g_new0 (PdScanResult, 1);

  result->outcome = PD_SCAN_OUTCOME_DECLARATION;
  result->declaration = g_object_ref (declaration);
  return result;
}

static void
find_declaration_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  PdStation *self = source_object;
  GError *error = NULL;
  GPtrArray *found = pd_store_find_by_declaration_code (self->store, task_data, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static void
online_declaration_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) declaration = pd_sync_engine_lookup_declaration_finish (PD_SYNC_ENGINE (object),
                                                                               result, &error);
  g_autofree char *message = NULL;

  if (declaration != NULL)
    {
      g_task_return_pointer (task, declaration_result (declaration), (GDestroyNotify) pd_scan_result_free);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND))
    message = g_strdup (_("The central system has no such declaration. Ask the applicant for the code "
                          "again, or type the application by hand."));
  else if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
    message = g_strdup (_("The central system cannot be reached, so the declaration cannot be fetched. "
                          "Type the application by hand, or scan again later."));
  else
    message = g_strdup_printf (_("Cannot fetch the declaration: %s"), error->message);
  g_task_return_pointer (task, pd_scan_result_new_message (message), (GDestroyNotify) pd_scan_result_free);
}

static void
find_declaration_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PdStation *self = PD_STATION (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = g_task_propagate_pointer (G_TASK (result), &error);
  const char *code = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (found == NULL)
    message = g_strdup_printf (_("Cannot look up the declaration: %s"), error->message);
  else if (found->len == 0 && self->engine != NULL)
    {
      message = g_strdup_printf (_("Fetching declaration %s from the central system…"), code);
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_signal_emit (self, signals[MESSAGE], 0, message);
      pd_sync_engine_lookup_declaration_async (self->engine, code, cancellable,
                                               online_declaration_cb, g_steal_pointer (&task));
      return;
    }
  else if (found->len == 0)
    message = g_strdup_printf (_("No declaration %s on this computer, and this station is not connected to the "
                                 "central system. Type the application by hand."), code);
  if (message != NULL)
    {
      g_task_return_pointer (task, pd_scan_result_new_message (message), (GDestroyNotify) pd_scan_result_free);
      return;
    }
  /* Newest first: a declaration filed again replaces the earlier one. */
  g_task_return_pointer (task, declaration_result (g_ptr_array_index (found, 0)),
                         (GDestroyNotify) pd_scan_result_free);
}

void
pd_station_lookup_declaration_async (PdStation           *self,
                                     const char          *code,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) find = NULL;
  GTask *task;

  g_return_if_fail (PD_IS_STATION (self));
  g_return_if_fail (code != NULL);
  g_return_if_fail (self->store != NULL);

  /* One lookup at a time: the officer scanned another code. */
  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  self->lookup_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->lookup_cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_station_lookup_declaration_async);
  g_task_set_task_data (task, g_strdup (code), g_free);
  find = g_task_new (self, self->lookup_cancellable, find_declaration_cb, task);
  g_task_set_source_tag (find, find_declaration_thread);
  g_task_set_task_data (find, g_strdup (code), g_free);
  g_task_run_in_thread (find, find_declaration_thread);
}

PdScanResult *
pd_station_lookup_declaration_finish (PdStation     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
pd_station_dispose (GObject *object)
{
  PdStation *self = PD_STATION (object);

  pd_station_stop (self);
  g_clear_object (&self->engine);
  g_clear_object (&self->queue_client);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (pd_station_parent_class)->dispose (object);
}

static void
pd_station_finalize (GObject *object)
{
  PdStation *self = PD_STATION (object);

  if (self->ticket_destroy != NULL)
    self->ticket_destroy (self->ticket_data);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_clear_object (&self->officer);
  g_clear_object (&self->store);
  g_clear_error (&self->open_error);
  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->sign_in_problem, g_free);
  g_clear_pointer (&self->ticket, g_free);
  g_clear_pointer (&self->database_path, g_free);

  G_OBJECT_CLASS (pd_station_parent_class)->finalize (object);
}

static void
pd_station_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PdStation *self = PD_STATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_OPEN_ERROR:
      g_value_set_boxed (value, self->open_error);
      break;
    case PROP_ENROLLED:
      g_value_set_boolean (value, self->enrolled);
      break;
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_OFFICER:
      g_value_set_object (value, self->officer);
      break;
    case PROP_ROLE:
      g_value_set_int (value, self->role);
      break;
    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_station_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PdStation *self = PD_STATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_free (self->database_path);
      self->database_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_station_class_init (PdStationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pd_station_dispose;
  object_class->finalize = pd_station_finalize;
  object_class->get_property = pd_station_get_property;
  object_class->set_property = pd_station_set_property;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PD_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN_ERROR] =
    g_param_spec_boxed ("open-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENROLLED] =
    g_param_spec_boolean ("enrolled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, PD_TYPE_SYNC_ENGINE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFICER] =
    g_param_spec_object ("officer", NULL, NULL, PD_TYPE_OFFICER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A PdRole. */
  properties[PROP_ROLE] =
    g_param_spec_int ("role", NULL, NULL, PD_ROLE_NONE, PD_ROLE_SUPERVISOR, PD_ROLE_OFFICER,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_station_init (PdStation *self)
{
  self->cancellable = g_cancellable_new ();
  self->role = PD_ROLE_OFFICER;
  /* Tests drive the passes themselves (pd_station_get_sync_engine()). */
  self->start_sync = g_strcmp0 (g_getenv ("PASSDESK_NO_BACKGROUND_SYNC"), "1") != 0;
}
