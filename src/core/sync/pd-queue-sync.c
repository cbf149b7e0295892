/* pd-queue-sync.c: push, pull, call and book through the office's server.
 *
 * A pass is a chain of steps; each step and each request callback owns the task's one
 * reference and hands it on to the next step, or returns.
 */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-queue-private.h"
#include "pd-queue-sync.h"
#include "pd-sync-page-private.h"

#define SLIPS_PUSH_SIZE 100

/* What a step does with the server's answer to its request: takes @owned. */
typedef void (*ReplyFunc) (GTask      *owned,
                           JsonObject *answer);

typedef struct {
  PdQueue      *queue;
  PdSyncClient *client;
  ReplyFunc     on_answer;   /* the step whose request is in flight */
  GPtrArray    *pushing;     /* (element-type PdTicket) the tickets of the push in flight */
  GPtrArray    *slips;       /* (element-type PdAppointment) the slips of the push in flight */
  char         *station;     /* this station's letter, when it has one */
  guint         pulled;
  gboolean      reset;       /* the server's epoch changed once already in this pass */
  gboolean      offline;     /* a call made from this station's copy */
  char         *counter;     /* a call: who calls */
  char         *service;
  char         *booking_id;  /* a booking: its id, drawn once for every attempt */
  gboolean      booked_offline;
  PdTicket     *ticket;      /* a booking's day had room after all */
} Pass;

static void
pass_free (Pass *pass)
{
  g_clear_object (&pass->queue);
  g_clear_object (&pass->client);
  g_clear_pointer (&pass->pushing, g_ptr_array_unref);
  g_clear_pointer (&pass->slips, g_ptr_array_unref);
  g_clear_pointer (&pass->ticket, pd_ticket_free);
  g_free (pass->station);
  g_free (pass->counter);
  g_free (pass->service);
  g_free (pass->booking_id);
  g_free (pass);
}

static void push_next (GTask *owned);
static void push_slips_next (GTask *owned);
static void pull_next (GTask *owned);
static void pull_appointments_next (GTask *owned);
static void book_remote (GTask *owned);
static void call_remote (GTask *owned);

static gboolean
is_call (GTask *task)
{
  return ((Pass *) g_task_get_task_data (task))->counter != NULL;
}

static void book_offline (GTask  *task,
                          GError *error);

/* A request failed. A call falls back on this station's copy, and a booking on this
 * station's share, when the server cannot be reached; anything else ends the task. */
static void
fail (GTask  *task,
      GError *error)
{
  Pass *pass = g_task_get_task_data (task);

  if (pass->booking_id && g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
    {
      book_offline (task, error);
      return;
    }
  if (is_call (task) && g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
    {
      g_autoptr(GError) local_error = NULL;
      PdTicket *ticket;

      g_debug ("Calling from this station's queue: %s", error->message);
      g_error_free (error);
      pass->offline = TRUE;
      ticket = pd_queue_call_next (pass->queue, pass->counter, pass->service, &local_error);
      if (local_error)
        g_task_return_error (task, g_steal_pointer (&local_error));
      else
        g_task_return_pointer (task, ticket, (GDestroyNotify) pd_ticket_free);
      return;
    }
  g_task_return_error (task, error);
}

/* Every request ends here: a failure goes to fail(), an answer to the step that asked. */
static void
on_reply (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReply) reply = pd_sync_client_request_finish (pass->client, result, &error);

  if (reply == NULL || !pd_sync_reply_check (reply, &error))
    fail (task, g_steal_pointer (&error));
  else
    pass->on_answer (g_steal_pointer (&task), json_node_get_object (reply->body));
}

/* Takes @owned until @on_answer. */
static void
send (GTask       *owned,
      const char  *method,
      const char  *path_and_query,
      JsonNode    *body,
      ReplyFunc    on_answer)
{
  Pass *pass = g_task_get_task_data (owned);
  g_autoptr(GBytes) bytes = body ? pd_sync_json_to_bytes (body) : NULL;

  pass->on_answer = on_answer;
  pd_sync_client_request_async (pass->client, method, path_and_query, bytes,
                                g_task_get_cancellable (owned), on_reply, owned);
}

/* Ends the object that @builder holds and posts it to @path; takes @owned until @on_answer. */
static void
post (GTask       *owned,
      const char  *path,
      JsonBuilder *builder,
      ReplyFunc    on_answer)
{
  g_autoptr(JsonNode) body = NULL;

  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  send (owned, "POST", path, body, on_answer);
}

/* Asks @path for the page after the cursor kept in the setting @cursor_setting; takes @owned
 * until @on_answer. */
static void
send_pull (GTask       *owned,
           const char  *path,
           const char  *cursor_setting,
           ReplyFunc    on_answer)
{
  Pass *pass = g_task_get_task_data (owned);
  g_autofree char *path_and_query = pd_sync_page_request (pd_queue_get_store (pass->queue), path,
                                                          cursor_setting, NULL);

  send (owned, "GET", path_and_query, NULL, on_answer);
}

static GError *
bad_answer (void)
{
  return g_error_new (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                      _("The central system answered the queue request with something unexpected. Try again later."));
}

/* A value in the server's answer is malformed: the answer cannot be trusted, as if it had
 * not arrived. */
static GError *
malformed_answer (const GError *error)
{
  return g_error_new_literal (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY, error->message);
}

/* Push ----------------------------------------------------------------------------------- */

static void
after_push (GTask *owned)
{
  if (is_call (owned))
    call_remote (owned);
  else
    push_slips_next (owned);
}

static void
on_pushed (GTask      *owned,
           JsonObject *answer)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pushed = g_steal_pointer (&pass->pushing);

  /* Confirmed: only versions unchanged since are clean; a later change goes next time. */
  if (!pd_queue_mark_pushed (pass->queue, pushed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (pushed->len < PD_QUEUE_SYNC_PUSH_SIZE)
    after_push (g_steal_pointer (&task));
  else
    push_next (g_steal_pointer (&task));
}

static void
push_next (GTask *owned)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dirty = pd_queue_list_dirty (pass->queue, PD_QUEUE_SYNC_PUSH_SIZE, &error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (dirty == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (dirty->len == 0)
    {
      after_push (g_steal_pointer (&task));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tickets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < dirty->len; i++)
    json_builder_add_value (builder, pd_ticket_to_json (g_ptr_array_index (dirty, i)));
  json_builder_end_array (builder);
  pass->pushing = g_steal_pointer (&dirty);
  post (g_steal_pointer (&task), "/v1/queue/tickets", builder, on_pushed);
}

/* Pull ----------------------------------------------------------------------------------- */

static void
on_pulled (GTask      *owned,
           JsonObject *answer)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  PdStore *store = pd_queue_get_store (pass->queue);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  g_autofree char *known_epoch = NULL;
  const char *epoch = json_object_get_string_member_with_default (answer, "epoch", NULL);
  const char *cursor = json_object_get_string_member_with_default (answer, "next_cursor", NULL);
  JsonArray *array;
  guint changed = 0;

  if (epoch == NULL || cursor == NULL || !json_object_has_member (answer, "tickets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (answer, "tickets")))
    {
      g_task_return_error (task, bad_answer ());
      return;
    }

  known_epoch = pd_store_get_setting (store, PD_QUEUE_SETTING_EPOCH);
  if (g_strcmp0 (known_epoch, epoch) != 0)
    {
      /* A new server, or one that restarted and forgot the queue: give it all of today's
       * tickets again and read its queue from the start. The first answer of a station
       * that never pulled already is the start. */
      if (!pd_store_set_setting (store, PD_QUEUE_SETTING_EPOCH, epoch, &error) ||
          !pd_store_set_setting (store, PD_QUEUE_SETTING_CURSOR, "", &error) ||
          (known_epoch && !pd_queue_mark_all_dirty (pass->queue, &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (known_epoch && !pass->reset)
        {
          pass->reset = TRUE;
          push_next (g_steal_pointer (&task));
          return;
        }
      if (known_epoch)
        {
          pull_next (g_steal_pointer (&task));
          return;
        }
    }

  array = json_object_get_array_member (answer, "tickets");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PdTicket *ticket = pd_ticket_from_json (json_array_get_element (array, i), &error);

      if (ticket == NULL)
        {
          g_task_return_error (task, malformed_answer (error));
          return;
        }
      g_ptr_array_add (tickets, ticket);
    }
  if (!pd_queue_merge (pass->queue, tickets, &changed, &error) ||
      !pd_store_set_setting (store, PD_QUEUE_SETTING_CURSOR, cursor, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pass->pulled += changed;
  if (json_object_get_boolean_member_with_default (answer, "more", FALSE) && tickets->len > 0)
    pull_next (g_steal_pointer (&task));
  else
    pull_appointments_next (g_steal_pointer (&task));
}

static void
pull_next (GTask *owned)
{
  send_pull (owned, "/v1/queue", PD_QUEUE_SETTING_CURSOR, on_pulled);
}

/* Appointments --------------------------------------------------------------------------- */

/* The server's word on this station's share: a first day, or "" for null (none left); NULL
 * when the answer has no usable one. */
static const char *
read_share (JsonObject  *answer,
            GError     **error)
{
  JsonNode *member = json_object_get_member (answer, "share_from");

  if (member && JSON_NODE_HOLDS_NULL (member))
    return "";
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
      !pd_queue_parse_day (json_node_get_string (member), NULL))
    {
      g_propagate_error (error, bad_answer ());
      return NULL;
    }
  return json_node_get_string (member);
}

static gboolean
keep_share (GTask       *task,
            const char  *share_from,
            GError     **error)
{
  Pass *pass = g_task_get_task_data (task);

  return pd_store_set_setting (pd_queue_get_store (pass->queue), PD_QUEUE_SETTING_SHARE_FROM, share_from, error);
}

/* (element-type PdAppointment) the appointments of @name in @answer, all well formed, or NULL. */
static GPtrArray *
read_appointments (JsonObject  *answer,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_appointment_free);
  JsonNode *member = json_object_get_member (answer, name);
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_propagate_error (error, bad_answer ());
      return NULL;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) local_error = NULL;
      PdAppointment *appointment = pd_appointment_from_json (json_array_get_element (array, i), &local_error);

      if (appointment == NULL)
        {
          g_propagate_error (error, malformed_answer (local_error));
          return NULL;
        }
      g_ptr_array_add (list, appointment);
    }
  return g_steal_pointer (&list);
}

/* The server answers with the slips as it keeps them, one for each sent, in order. */
static gboolean
same_ids (GPtrArray *taken,
          GPtrArray *sent)
{
  if (taken->len != sent->len)
    return FALSE;
  for (guint i = 0; i < taken->len; i++)
    if (!g_str_equal (((PdAppointment *) taken->pdata[i])->id, ((PdAppointment *) sent->pdata[i])->id))
      return FALSE;
  return TRUE;
}

static void
on_slips_pushed (GTask      *owned,
                 JsonObject *answer)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = g_steal_pointer (&pass->slips);
  g_autoptr(GPtrArray) taken = NULL;
  const char *share_from;

  if ((taken = read_appointments (answer, "appointments", &error)) == NULL ||
      (share_from = read_share (answer, &error)) == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (!same_ids (taken, sent))
    {
      fail (task, bad_answer ());
      return;
    }
  if (!keep_share (task, share_from, &error) ||
      !pd_queue_take_appointments (pass->queue, taken, FALSE, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (sent->len == SLIPS_PUSH_SIZE)
    push_slips_next (g_steal_pointer (&task));
  else if (pass->booking_id)
    book_remote (g_steal_pointer (&task));
  else
    pull_next (g_steal_pointer (&task));
}

/* Gives the server the slips printed here while cut off. Sent even when there are none: it is
 * how a station joins the office's bookings and hears of its share. */
static void
push_slips_next (GTask *owned)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  if (pass->station == NULL)
    {
      pull_next (g_steal_pointer (&task));
      return;
    }
  pass->slips = pd_queue_list_offline_appointments (pass->queue, SLIPS_PUSH_SIZE, &error);
  if (pass->slips == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "station");
  json_builder_add_string_value (builder, pass->station);
  json_builder_set_member_name (builder, "appointments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pass->slips->len; i++)
    json_builder_add_value (builder, pd_appointment_to_json (g_ptr_array_index (pass->slips, i)));
  json_builder_end_array (builder);
  post (g_steal_pointer (&task), "/v1/queue/slips", builder, on_slips_pushed);
}

static void
on_appointments_pulled (GTask      *owned,
                        JsonObject *answer)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) appointments = NULL;
  const char *cursor = json_object_get_string_member_with_default (answer, "next_cursor", NULL);

  if (cursor == NULL || (appointments = read_appointments (answer, "appointments", &error)) == NULL)
    {
      g_task_return_error (task, error ? g_steal_pointer (&error) : bad_answer ());
      return;
    }
  if (!pd_queue_take_appointments (pass->queue, appointments, TRUE, NULL, &error) ||
      !pd_store_set_setting (pd_queue_get_store (pass->queue), PD_QUEUE_SETTING_APPOINTMENTS_CURSOR,
                             cursor, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (json_object_get_boolean_member_with_default (answer, "more", FALSE) && appointments->len > 0)
    pull_appointments_next (g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

/* Every station reads the office's bookings, so that its slips (from its share or, alone,
 * from the whole slot) count those of the others. */
static void
pull_appointments_next (GTask *owned)
{
  send_pull (owned, "/v1/queue/appointments", PD_QUEUE_SETTING_APPOINTMENTS_CURSOR, on_appointments_pulled);
}

/* The task of a new pass: a call when @counter is set, an issue when only @service is. */
static GTask *
pass_task_new (PdQueue             *queue,
               PdSyncClient        *client,
               const char          *counter,
               const char          *service,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (queue, cancellable, callback, user_data);
  Pass *pass = g_new0 (Pass, 1);

  pass->queue = g_object_ref (queue);
  pass->client = g_object_ref (client);
  pass->station = pd_queue_dup_station (queue);
  pass->counter = g_strdup (counter);
  pass->service = g_strdup (service);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);
  return task;
}

void
pd_queue_sync_async (PdQueue             *queue,
                     PdSyncClient        *client,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (PD_IS_QUEUE (queue));
  g_return_if_fail (PD_IS_SYNC_CLIENT (client));

  push_next (pass_task_new (queue, client, NULL, NULL, cancellable, callback, user_data, pd_queue_sync_async));
}

gboolean
pd_queue_sync_finish (PdQueue       *queue,
                      GAsyncResult  *result,
                      guint         *n_pulled,
                      GError       **error)
{
  Pass *pass;

  g_return_val_if_fail (g_task_is_valid (result, queue), FALSE);

  pass = g_task_get_task_data (G_TASK (result));
  if (n_pulled)
    *n_pulled = pass->pulled;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Call ----------------------------------------------------------------------------------- */

static void
on_called (GTask      *owned,
           JsonObject *answer)
{
  g_autoptr(GTask) task = owned;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  JsonNode *node = json_object_get_member (answer, "ticket");
  PdTicket *ticket;

  if (node == NULL)
    {
      g_task_return_error (task, bad_answer ());
      return;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if ((ticket = pd_ticket_from_json (node, &error)) == NULL)
    {
      g_task_return_error (task, malformed_answer (error));
      return;
    }
  g_ptr_array_add (tickets, ticket);
  if (!pd_queue_merge (pass->queue, tickets, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, pd_ticket_copy (ticket), (GDestroyNotify) pd_ticket_free);
}

static void
call_remote (GTask *owned)
{
  Pass *pass = g_task_get_task_data (owned);
  g_autoptr(GDateTime) now = pd_queue_dup_time (pass->queue);
  g_autofree char *day = g_date_time_format (now, "%F");
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "counter");
  json_builder_add_string_value (builder, pass->counter);
  json_builder_set_member_name (builder, "day");
  json_builder_add_string_value (builder, day);
  json_builder_set_member_name (builder, "service");
  if (pass->service)
    json_builder_add_string_value (builder, pass->service);
  else
    json_builder_add_null_value (builder);
  post (owned, "/v1/queue/calls", builder, on_called);
}

void
pd_queue_sync_call_next_async (PdQueue             *queue,
                               PdSyncClient        *client,
                               const char          *counter,
                               const char          *service,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (PD_IS_QUEUE (queue));
  g_return_if_fail (PD_IS_SYNC_CLIENT (client));
  g_return_if_fail (counter != NULL);

  /* The server can only call what it has: this station's new tickets go first. */
  push_next (pass_task_new (queue, client, counter, service, cancellable, callback, user_data,
                            pd_queue_sync_call_next_async));
}

PdTicket *
pd_queue_sync_call_next_finish (PdQueue       *queue,
                                GAsyncResult  *result,
                                gboolean      *offline,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, queue), NULL);

  if (offline)
    *offline = ((Pass *) g_task_get_task_data (G_TASK (result)))->offline;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Issue ---------------------------------------------------------------------------------- */

/* The server's answer to a booking: the appointment, kept here; NULL with NO_SLOT when it
 * has none left, with PD_SYNC_ERROR_RETRY when the answer cannot be trusted. */
static PdAppointment *
take_booking (GTask       *task,
              JsonObject  *answer,
              GError     **error)
{
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(PdAppointment) appointment = NULL;
  g_autoptr(GPtrArray) taken = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *member = json_object_get_member (answer, "appointment");
  const char *share_from = read_share (answer, error);

  if (share_from == NULL)
    return NULL;
  if (member == NULL)
    {
      g_propagate_error (error, bad_answer ());
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (member))
    {
      if (!keep_share (task, share_from, error))
        return NULL;
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SLOT,
                   _("Every appointment slot of the next %u working days is taken. Ask the applicant to come back another week."),
                   PD_QUEUE_LOOKAHEAD);
      return NULL;
    }
  appointment = pd_appointment_from_json (member, &local_error);
  if (appointment == NULL)
    {
      g_propagate_error (error, malformed_answer (local_error));
      return NULL;
    }
  if (!g_str_equal (appointment->id, pass->booking_id) || !g_str_equal (appointment->service, pass->service) ||
      !g_str_equal (appointment->station, pass->station))
    {
      g_propagate_error (error, bad_answer ());
      return NULL;
    }
  taken = g_ptr_array_new ();
  g_ptr_array_add (taken, appointment);
  if (!keep_share (task, share_from, error) ||
      !pd_queue_take_appointments (pass->queue, taken, FALSE, NULL, error))
    return NULL;
  return g_steal_pointer (&appointment);
}

/* Cut off, or an answer lost or unusable: from this station's share, under the same id, so
 * that a booking the server made after all is moved to this slip, not doubled. */
static void
book_offline (GTask  *task,
              GError *error)
{
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  PdAppointment *slip;

  g_debug ("Booking on this station alone: %s", error->message);
  g_error_free (error);
  pass->booked_offline = TRUE;
  slip = pd_queue_book_offline (pass->queue, pass->service, pass->booking_id, &local_error);
  if (slip == NULL)
    g_task_return_error (task, g_steal_pointer (&local_error));
  else
    g_task_return_pointer (task, slip, (GDestroyNotify) pd_appointment_free);
}

static void
on_booked (GTask      *owned,
           JsonObject *answer)
{
  g_autoptr(GTask) task = owned;
  g_autoptr(GError) error = NULL;
  PdAppointment *appointment = take_booking (task, answer, &error);

  if (appointment == NULL)
    fail (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, appointment, (GDestroyNotify) pd_appointment_free);
}

static void
book_remote (GTask *owned)
{
  Pass *pass = g_task_get_task_data (owned);
  g_auto(GStrv) days = pd_queue_dup_booking_days (pass->queue);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, pass->booking_id);
  json_builder_set_member_name (builder, "station");
  json_builder_add_string_value (builder, pass->station);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, pass->service);
  json_builder_set_member_name (builder, "days");
  json_builder_begin_array (builder);
  for (guint i = 0; days[i]; i++)
    json_builder_add_string_value (builder, days[i]);
  json_builder_end_array (builder);
  post (owned, "/v1/queue/bookings", builder, on_booked);
}

void
pd_queue_sync_issue_async (PdQueue             *queue,
                           PdSyncClient        *client,
                           const char          *service,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) unsent = NULL;
  Pass *pass;

  g_return_if_fail (PD_IS_QUEUE (queue));
  g_return_if_fail (PD_IS_SYNC_CLIENT (client));
  g_return_if_fail (service != NULL);

  task = pass_task_new (queue, client, NULL, service, cancellable, callback, user_data, pd_queue_sync_issue_async);
  pass = g_task_get_task_data (task);

  if (!pd_queue_issue_ticket (queue, service, &pass->ticket, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (pass->ticket)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  pass->booking_id = g_uuid_string_random ();
  /* The server numbers its bookings after those it knows: slips printed here go first, or it
   * could give one of their references again. */
  unsent = pd_queue_list_offline_appointments (queue, 1, &error);
  if (unsent == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (unsent->len > 0)
    push_slips_next (g_steal_pointer (&task));
  else
    book_remote (g_steal_pointer (&task));
}

gboolean
pd_queue_sync_issue_finish (PdQueue        *queue,
                            GAsyncResult   *result,
                            PdTicket      **ticket,
                            PdAppointment **appointment,
                            gboolean       *offline,
                            GError        **error)
{
  Pass *pass;
  g_autoptr(GError) local_error = NULL;
  PdAppointment *booked;

  g_return_val_if_fail (g_task_is_valid (result, queue), FALSE);
  g_return_val_if_fail (ticket != NULL && appointment != NULL, FALSE);

  pass = g_task_get_task_data (G_TASK (result));
  *ticket = NULL;
  *appointment = NULL;
  if (offline)
    *offline = pass->booked_offline;
  booked = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *ticket = g_steal_pointer (&pass->ticket);
  *appointment = booked;
  return TRUE;
}
