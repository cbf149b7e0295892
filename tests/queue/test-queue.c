/* test-queue.c: tickets, calls and appointment slips on a real store. */
#include "config.h"

#include "pd-queue.h"
#include "pd-queue-private.h"
#include "pd-test-support.h"

static char *tmpdir;

static PdStore *
open_store (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  return store;
}

static PdQueue *
make_queue (PdStore    *store,
            const char *letter,
            GDateTime  *time)
{
  g_autoptr(GError) error = NULL;
  PdQueue *queue = pd_queue_new (store, NULL);

  pd_queue_set_station (queue, letter, &error);
  g_assert_no_error (error);
  pd_queue_set_time (queue, time);
  return queue;
}

static PdTicket *
issue (PdQueue    *queue,
       const char *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdAppointment) appointment = NULL;
  PdTicket *ticket = NULL;

  g_assert_true (pd_queue_issue (queue, service, &ticket, &appointment, &error));
  g_assert_no_error (error);
  g_assert_null (appointment);
  g_assert_nonnull (ticket);
  return ticket;
}

static void
advance (PdQueue *queue,
         gint     seconds)
{
  g_autoptr(GDateTime) now = pd_queue_dup_time (queue);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, seconds);

  pd_queue_set_time (queue, later);
}

static void
test_issue (void)
{
  g_autoptr(PdStore) store = open_store ("issue.db");
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 11, 23, 8, 0, 0);
  g_autoptr(PdQueue) queue = pd_queue_new (store, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) none = NULL;
  g_autoptr(PdAppointment) no_appointment = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *station = NULL;

  /* No letter yet: refused, with a way out. */
  g_assert_false (pd_queue_issue (queue, "P", &none, &no_appointment, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_STATION);
  g_clear_error (&error);
  g_assert_false (pd_queue_set_station (queue, "ab", &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (pd_queue_set_station (queue, "C", &error));
  station = pd_queue_dup_station (queue);
  g_assert_cmpstr (station, ==, "C");
  pd_queue_set_time (queue, morning);

  g_assert_false (pd_queue_issue (queue, "X", &none, &no_appointment, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_UNKNOWN_SERVICE);
  g_clear_error (&error);

  /* One number per service and day, the station's letter first. */
  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr(PdTicket) p = issue (queue, "P");
      g_autofree char *label = g_strdup_printf ("CP-%03u", i);

      g_assert_cmpstr (p->label, ==, label);
      g_assert_cmpuint (p->number, ==, i);
      g_assert_cmpstr (p->day, ==, "2026-11-23");
      g_assert_true (g_uuid_string_is_valid (p->id));
      g_assert_cmpint (p->state, ==, PD_TICKET_WAITING);
      advance (queue, 60);
    }
  {
    g_autoptr(PdTicket) r = issue (queue, "R");

    g_assert_cmpstr (r->label, ==, "CR-001");
  }

  /* The next day starts again at 1. */
  {
    g_autoptr(GDateTime) tomorrow = g_date_time_new_local (2026, 11, 24, 7, 30, 0);
    g_autoptr(PdTicket) p = NULL;

    pd_queue_set_time (queue, tomorrow);
    p = issue (queue, "P");
    g_assert_cmpstr (p->label, ==, "CP-001");
    g_assert_cmpstr (p->day, ==, "2026-11-24");
  }

  list = pd_queue_list (queue, "2026-11-23", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpstr (((PdTicket *) list->pdata[0])->label, ==, "CP-001");
  g_assert_cmpstr (((PdTicket *) list->pdata[3])->label, ==, "CR-001");
}

static void
on_called (PdQueue  *queue,
           PdTicket *ticket,
           gpointer  user_data)
{
  g_ptr_array_add (user_data, g_strdup (ticket->label));
}

static void
test_call (void)
{
  g_autoptr(PdStore) store = open_store ("call.db");
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 11, 23, 8, 0, 0);
  g_autoptr(PdQueue) queue = make_queue (store, "A", morning);
  g_autoptr(GPtrArray) called = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) first = NULL;
  g_autoptr(PdTicket) second = NULL;
  g_autoptr(PdTicket) r = NULL;
  g_autoptr(PdTicket) next = NULL;
  g_autoptr(PdTicket) served = NULL;
  g_autoptr(PdTicket) back = NULL;
  g_autoptr(PdTicket) none = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  gint64 now;

  g_signal_connect (queue, "ticket-called", G_CALLBACK (on_called), called);
  first = issue (queue, "P");
  advance (queue, 120);
  second = issue (queue, "P");
  advance (queue, 60);
  r = issue (queue, "R");
  advance (queue, 300);

  /* Waiting time: until now while waiting. */
  now = g_date_time_to_unix (morning) + 480;
  g_assert_cmpint (pd_ticket_get_waiting_seconds (first, now), ==, 480);
  g_assert_cmpint (pd_ticket_get_waiting_seconds (r, now), ==, 300);

  /* The longest waiting first, of the service asked for. */
  next = pd_queue_call_next (queue, "3", "R", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next->label, ==, "AR-001");
  g_clear_pointer (&next, pd_ticket_free);
  next = pd_queue_call_next (queue, "3", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next->label, ==, "AP-001");
  g_assert_cmpint (next->state, ==, PD_TICKET_CALLED);
  g_assert_cmpstr (next->counter, ==, "3");
  g_assert_cmpint (next->called_at, ==, now);
  g_assert_cmpuint (called->len, ==, 2);
  g_assert_cmpstr (called->pdata[1], ==, "AP-001");

  /* Once called, the waiting time stops. */
  advance (queue, 600);
  g_assert_cmpint (pd_ticket_get_waiting_seconds (next, now + 600), ==, 480);

  waiting = pd_queue_list (queue, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (waiting->len, ==, 1);
  g_assert_cmpstr (((PdTicket *) waiting->pdata[0])->label, ==, "AP-002");

  /* Closing by label, and no way back to waiting. */
  served = pd_queue_set_state (queue, "AP-001", PD_TICKET_SERVED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (served->state, ==, PD_TICKET_SERVED);
  g_assert_cmpint (served->updated_at, >, next->updated_at);
  back = pd_queue_set_state (queue, "AP-001", PD_TICKET_WAITING, NULL, &error);
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID);
  g_assert_null (back);
  g_clear_error (&error);
  g_assert_null (pd_queue_set_state (queue, "AP-099", PD_TICKET_SERVED, NULL, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (pd_queue_call_next (queue, "", NULL, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID);
  g_clear_error (&error);

  /* Found by label (today) or by id. */
  {
    g_autoptr(PdTicket) by_label = pd_queue_lookup (queue, "AP-002", &error);
    g_autoptr(PdTicket) by_id = NULL;
    g_autoptr(PdTicket) missing = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (by_label->id, ==, second->id);
    by_id = pd_queue_lookup (queue, second->id, &error);
    g_assert_cmpstr (by_id->label, ==, "AP-002");
    missing = pd_queue_lookup (queue, "ZZ-001", &error);
    g_assert_null (missing);
    g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Nobody left: NULL, no error. */
  g_clear_pointer (&next, pd_ticket_free);
  next = pd_queue_call_next (queue, "4", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next->label, ==, "AP-002");
  none = pd_queue_call_next (queue, "4", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (none);
}

static void
test_appointments (void)
{
  g_autoptr(PdStore) store = open_store ("appointments.db");
  /* A Friday: the next working day is Monday. */
  g_autoptr(GDateTime) friday = g_date_time_new_local (2026, 11, 27, 9, 0, 0);
  g_autoptr(PdQueue) queue = make_queue (store, "B", friday);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) monday = NULL;
  guint slots = 0;

  g_assert_true (pd_queue_set_capacity (queue, "P", 2, &error));
  g_assert_no_error (error);
  {
    g_autoptr(PdTicket) a = issue (queue, "P");
    g_autoptr(PdTicket) b = issue (queue, "P");

    g_assert_cmpstr (b->label, ==, "BP-002");
  }

  /* The capacity is kept with the data. */
  {
    g_autoptr(PdQueue) again = pd_queue_new (store, NULL);

    g_assert_cmpuint (pd_queue_lookup_service (again, "P")->capacity, ==, 2);
  }

  /* Full: appointment slips, PD_QUEUE_SLOT_SIZE per half hour, from 07:30 on Monday. */
  for (guint i = 0; i < PD_QUEUE_SLOT_SIZE + 1; i++)
    {
      g_autoptr(PdTicket) ticket = NULL;
      g_autoptr(PdAppointment) appointment = NULL;
      g_autofree char *reference = g_strdup_printf ("BP-H1130-%03u", i + 1);

      g_assert_true (pd_queue_issue (queue, "P", &ticket, &appointment, &error));
      g_assert_no_error (error);
      g_assert_null (ticket);
      g_assert_nonnull (appointment);
      g_assert_cmpstr (appointment->date, ==, "2026-11-30");
      g_assert_cmpstr (appointment->reference, ==, reference);
      if (i < PD_QUEUE_SLOT_SIZE)
        {
          g_assert_cmpstr (appointment->from_time, ==, "07:30");
          g_assert_cmpstr (appointment->to_time, ==, "08:00");
        }
      else
        g_assert_cmpstr (appointment->from_time, ==, "08:00");
    }

  /* Another service still has room today. */
  {
    g_autoptr(PdTicket) r = issue (queue, "R");

    g_assert_cmpstr (r->label, ==, "BR-001");
  }

  monday = pd_queue_list_appointments (queue, "2026-11-30", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (monday->len, ==, PD_QUEUE_SLOT_SIZE + 1);

  /* Every slot of the look-ahead taken: refused with a way out. */
  g_assert_true (pd_queue_set_capacity (queue, "I", 0, &error));
  for (guint i = 0; ; i++)
    {
      g_autoptr(PdTicket) ticket = NULL;
      g_autoptr(PdAppointment) appointment = NULL;

      if (!pd_queue_issue (queue, "I", &ticket, &appointment, &error))
        break;
      slots++;
      g_assert_cmpuint (i, <, 10000);
    }
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SLOT);
  /* 14 half hours a day (07:30-11:30, 13:30-16:30). */
  g_assert_cmpuint (slots, ==, PD_QUEUE_LOOKAHEAD * 14 * PD_QUEUE_SLOT_SIZE);
}

static void
test_json (void)
{
  g_autoptr(PdStore) store = open_store ("json.db");
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 11, 23, 8, 0, 0);
  g_autoptr(PdQueue) queue = make_queue (store, "D", morning);
  g_autoptr(PdTicket) ticket = issue (queue, "I");
  g_autoptr(JsonNode) node = pd_ticket_to_json (ticket);
  g_autoptr(PdTicket) back = NULL;
  g_autoptr(PdTicket) later = NULL;
  g_autoptr(GError) error = NULL;
  static const char *bad[] = {
    "[]",
    "{\"id\": \"x\"}",
    /* label that does not match station, service and number */
    "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"label\":\"DI-002\",\"day\":\"2026-11-23\","
    "\"service\":\"I\",\"station\":\"D\",\"number\":1,\"issued_at\":1,\"state\":\"waiting\","
    "\"counter\":null,\"called_at\":0,\"updated_at\":1}",
    /* called without a counter */
    "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"label\":\"DI-001\",\"day\":\"2026-11-23\","
    "\"service\":\"I\",\"station\":\"D\",\"number\":1,\"issued_at\":1,\"state\":\"called\","
    "\"counter\":null,\"called_at\":5,\"updated_at\":1}",
    /* unknown state */
    "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"label\":\"DI-001\",\"day\":\"2026-11-23\","
    "\"service\":\"I\",\"station\":\"D\",\"number\":1,\"issued_at\":1,\"state\":\"gone\","
    "\"counter\":null,\"called_at\":0,\"updated_at\":1}",
    /* a member too many */
    "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"label\":\"DI-001\",\"day\":\"2026-11-23\","
    "\"service\":\"I\",\"station\":\"D\",\"number\":1,\"issued_at\":1,\"state\":\"waiting\","
    "\"counter\":null,\"called_at\":0,\"updated_at\":1,\"x\":1}",
  };

  back = pd_ticket_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, ticket->id);
  g_assert_cmpstr (back->label, ==, "DI-001");
  g_assert_cmpint (back->updated_at, ==, ticket->updated_at);
  g_assert_null (back->counter);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) parsed = json_from_string (bad[i], &error);
      g_autoptr(PdTicket) refused = NULL;

      g_assert_no_error (error);
      refused = pd_ticket_from_json (parsed, &error);
      g_assert_null (refused);
      g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* The merge order: a later change wins, whatever the order it arrives in. */
  later = pd_ticket_copy (ticket);
  later->state = PD_TICKET_CALLED;
  later->counter = g_strdup ("2");
  later->called_at = ticket->issued_at + 10;
  later->updated_at = ticket->updated_at + 1;
  g_assert_true (pd_ticket_supersedes (later, ticket));
  g_assert_false (pd_ticket_supersedes (ticket, later));
  g_assert_false (pd_ticket_supersedes (ticket, ticket));
}

static void
test_merge (void)
{
  g_autoptr(PdStore) store = open_store ("merge.db");
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 11, 23, 8, 0, 0);
  g_autoptr(PdQueue) queue = make_queue (store, "E", morning);
  g_autoptr(PdTicket) own = issue (queue, "P");
  g_autoptr(PdTicket) foreign = pd_ticket_copy (own);
  g_autoptr(PdTicket) stale = NULL;
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  g_autoptr(GPtrArray) dirty = NULL;
  g_autoptr(GPtrArray) called = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(PdTicket) next = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 99;

  g_signal_connect (queue, "ticket-called", G_CALLBACK (on_called), called);

  /* Own ticket: dirty until pushed. */
  dirty = pd_queue_list_dirty (queue, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dirty->len, ==, 1);
  g_assert_true (pd_queue_mark_pushed (queue, dirty, &error));
  g_clear_pointer (&dirty, g_ptr_array_unref);
  dirty = pd_queue_list_dirty (queue, 10, &error);
  g_assert_cmpuint (dirty->len, ==, 0);

  /* Another station's ticket, with the same number under its own letter. */
  g_free (foreign->id);
  foreign->id = g_uuid_string_random ();
  g_free (foreign->station);
  foreign->station = g_strdup ("F");
  g_free (foreign->label);
  foreign->label = g_strdup ("FP-001");
  foreign->issued_at -= 30;
  g_ptr_array_add (incoming, pd_ticket_copy (foreign));
  g_assert_true (pd_queue_merge (queue, incoming, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  /* Seen twice: nothing changes. */
  g_assert_true (pd_queue_merge (queue, incoming, &changed, &error));
  g_assert_cmpuint (changed, ==, 0);

  /* Merged tickets are not pushed back; numbering of this station goes on. */
  g_clear_pointer (&dirty, g_ptr_array_unref);
  dirty = pd_queue_list_dirty (queue, 10, &error);
  g_assert_cmpuint (dirty->len, ==, 0);
  {
    g_autoptr(PdTicket) second = issue (queue, "P");

    g_assert_cmpstr (second->label, ==, "EP-002");
  }

  /* The office's oldest is called first, wherever it was issued. */
  next = pd_queue_call_next (queue, "1", NULL, &error);
  g_assert_cmpstr (next->label, ==, "FP-001");

  /* A stale version from elsewhere does not undo the call; a later call does win. */
  g_ptr_array_set_size (incoming, 0);
  stale = pd_ticket_copy (foreign);
  g_ptr_array_add (incoming, pd_ticket_copy (stale));
  g_assert_true (pd_queue_merge (queue, incoming, &changed, &error));
  g_assert_cmpuint (changed, ==, 0);
  g_ptr_array_set_size (incoming, 0);
  stale->state = PD_TICKET_CALLED;
  g_free (stale->counter);
  stale->counter = g_strdup ("7");
  stale->called_at = next->called_at + 5;
  stale->updated_at = next->updated_at + 5000;
  g_ptr_array_add (incoming, pd_ticket_copy (stale));
  g_ptr_array_set_size (called, 0);
  g_assert_true (pd_queue_merge (queue, incoming, &changed, &error));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (called->len, ==, 1);
  list = pd_queue_list (queue, NULL, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((PdTicket *) list->pdata[0])->counter, ==, "7");
}

/* A store of version 3 (before the queue) migrates: the tables appear, nothing else moves. */
static PdAppointment *
book_alone (PdQueue  *queue,
            GError  **error)
{
  g_autoptr(PdTicket) ticket = NULL;
  PdAppointment *appointment = NULL;

  if (!pd_queue_issue (queue, "P", &ticket, &appointment, error))
    return NULL;
  g_assert_null (ticket);
  return appointment;
}

static void
test_share (void)
{
  g_autoptr(PdStore) store = open_store ("share.db");
  g_autoptr(GDateTime) friday = g_date_time_new_local (2026, 11, 27, 9, 0, 0);
  g_autoptr(PdQueue) queue = make_queue (store, "D", friday);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdAppointment) other = g_new0 (PdAppointment, 1);
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  g_autoptr(GPtrArray) unconfirmed = NULL;
  g_autoptr(GPtrArray) tuesday = NULL;

  g_assert_true (pd_queue_set_capacity (queue, "P", 0, &error));

  /* Known to the server, whose share for this station starts on Tuesday: cut off, the
   * station books from that day on, one place per slot, whatever the others booked. */
  g_assert_true (pd_store_set_setting (store, PD_QUEUE_SETTING_SHARE_FROM, "2026-12-01", &error));
  other->id = g_uuid_string_random ();
  other->reference = g_strdup ("EP-H1201-001");
  other->service = g_strdup ("P");
  other->station = g_strdup ("E");
  other->date = g_strdup ("2026-12-01");
  other->from_time = g_strdup ("07:30");
  other->to_time = g_strdup ("08:00");
  g_ptr_array_add (others, other);
  g_assert_true (pd_queue_take_appointments (queue, others, TRUE, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      static const char *froms[] = { "07:30", "08:00", "08:30" };
      g_autoptr(PdAppointment) slip = book_alone (queue, &error);
      g_autofree char *reference = g_strdup_printf ("DP-H1201-%03u", i + 1);

      g_assert_no_error (error);
      g_assert_cmpstr (slip->date, ==, "2026-12-01");
      g_assert_cmpstr (slip->from_time, ==, froms[i]);
      g_assert_cmpstr (slip->reference, ==, reference);
      g_assert_cmpstr (slip->station, ==, "D");
      g_assert_true (slip->reserved);
      g_assert_true (slip->offline);
    }
  unconfirmed = pd_queue_list_offline_appointments (queue, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unconfirmed->len, ==, 3);
  tuesday = pd_queue_list_appointments (queue, "2026-12-01", &error);
  g_assert_cmpuint (tuesday->len, ==, 4);
  for (guint i = 0; i < tuesday->len; i++)
    {
      PdAppointment *appointment = tuesday->pdata[i];

      /* Only this station's own slips wait for the server. */
      g_assert_true (appointment->offline == g_str_equal (appointment->station, "D"));
    }

  /* The server's versions confirm the slips; they are no longer waiting to be sent. */
  g_assert_true (pd_queue_take_appointments (queue, unconfirmed, FALSE, NULL, &error));
  g_clear_pointer (&unconfirmed, g_ptr_array_unref);
  unconfirmed = pd_queue_list_offline_appointments (queue, 10, &error);
  g_assert_cmpuint (unconfirmed->len, ==, 0);

  /* Known to the server without a share: cut off, it books nothing rather than overbook. */
  g_assert_true (pd_store_set_setting (store, PD_QUEUE_SETTING_SHARE_FROM, "", &error));
  g_assert_null (book_alone (queue, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SHARE);
  g_clear_error (&error);
  g_assert_null (pd_queue_book_offline (queue, "P", other->id, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SHARE);
}

static void
test_appointment_json (void)
{
  static const char *bad[] = {
    /* the reference's date is not the booking's */
    "{\"id\":\"@ID@\",\"reference\":\"AP-H1202-001\",\"service\":\"P\",\"station\":\"A\",\"date\":\"2026-12-01\","
    "\"from\":\"07:30\",\"to\":\"08:00\",\"issued_at\":1,\"reserved\":false}",
    /* not a slot */
    "{\"id\":\"@ID@\",\"reference\":\"AP-H1201-001\",\"service\":\"P\",\"station\":\"A\",\"date\":\"2026-12-01\","
    "\"from\":\"07:45\",\"to\":\"08:15\",\"issued_at\":1,\"reserved\":false}",
    /* a member more */
    "{\"id\":\"@ID@\",\"reference\":\"AP-H1201-001\",\"service\":\"P\",\"station\":\"A\",\"date\":\"2026-12-01\","
    "\"from\":\"07:30\",\"to\":\"08:00\",\"issued_at\":1,\"reserved\":false,\"offline\":true}",
    /* reserved as a number */
    "{\"id\":\"@ID@\",\"reference\":\"AP-H1201-001\",\"service\":\"P\",\"station\":\"A\",\"date\":\"2026-12-01\","
    "\"from\":\"07:30\",\"to\":\"08:00\",\"issued_at\":1,\"reserved\":1}",
  };
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(PdAppointment) appointment = g_new0 (PdAppointment, 1);
  g_autoptr(PdAppointment) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  appointment->id = g_strdup (id);
  appointment->reference = g_strdup ("AP-H1201-012");
  appointment->service = g_strdup ("P");
  appointment->station = g_strdup ("A");
  appointment->date = g_strdup ("2026-12-01");
  appointment->from_time = g_strdup ("16:00");
  appointment->to_time = g_strdup ("16:30");
  appointment->issued_at = 1790000000;
  appointment->reserved = TRUE;
  appointment->offline = TRUE;
  node = pd_appointment_to_json (appointment);
  back = pd_appointment_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->reference, ==, "AP-H1201-012");
  g_assert_cmpstr (back->from_time, ==, "16:00");
  g_assert_true (back->reserved);
  g_assert_false (back->offline);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GString) text = g_string_new (bad[i]);
      g_autoptr(JsonNode) parsed = NULL;
      g_autoptr(PdAppointment) refused = NULL;

      g_string_replace (text, "@ID@", id, 1);
      parsed = json_from_string (text->str, NULL);
      refused = pd_appointment_from_json (parsed, &error);

      g_assert_null (refused);
      g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
test_migration (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "migration.db", NULL);
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 11, 23, 8, 0, 0);
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;

  {
    g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
    g_autoptr(PdQueue) queue = make_queue (store, "M", morning);
    g_autoptr(PdTicket) ticket = issue (queue, "P");

    g_assert_no_error (error);
    pd_store_close (store);
  }
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TABLE queue_tickets; DROP TABLE queue_appointments;"
                                      "DROP TABLE queue_bookings; PRAGMA user_version = 3;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  {
    g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);
    g_autoptr(PdQueue) queue = NULL;
    g_autoptr(PdTicket) ticket = NULL;
    g_autofree char *station = NULL;

    g_assert_no_error (error);
    queue = pd_queue_new (store, NULL);
    pd_queue_set_time (queue, morning);
    station = pd_queue_dup_station (queue);
    g_assert_cmpstr (station, ==, "M");
    ticket = issue (queue, "P");
    g_assert_cmpstr (ticket->label, ==, "MP-001");
    pd_store_close (store);
  }
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, PD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (PD_STORE_SCHEMA_VERSION, >=, 5);
  sqlite3_finalize (stmt);
  /* Version 5: the bookings of the office's server. */
  g_assert_cmpint (sqlite3_exec (raw, "SELECT count(*) FROM queue_bookings", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  tmpdir = pd_test_make_tmpdir ();

  g_test_add_func ("/queue/issue", test_issue);
  g_test_add_func ("/queue/call", test_call);
  g_test_add_func ("/queue/appointments", test_appointments);
  g_test_add_func ("/queue/share", test_share);
  g_test_add_func ("/queue/appointment-json", test_appointment_json);
  g_test_add_func ("/queue/json", test_json);
  g_test_add_func ("/queue/merge", test_merge);
  g_test_add_func ("/queue/migration", test_migration);
  return g_test_run ();
}
