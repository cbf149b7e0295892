/* test-sync-faults.c: the station against the real passdesk-central misbehaving on purpose.
 *
 * argv[1] is the passdesk-central executable. After each fault, the counts on both sides
 * must say that nothing was lost and nothing received twice, and a further sync must work.
 */
#include "config.h"

#include <string.h>

#include "pd-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-outbox.h"

static const char *central_path;

typedef struct {
  SyncCentral   central;
  PdStore      *store;
  PdDevice     *device;
  PdSyncEngine *engine;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sync_central_init (&fixture->central, central_path);
  g_free (sync_central_serve (&fixture->central, NULL));
  fixture->store = sync_open_store (fixture->central.tmpdir, "station.db");
  fixture->device = sync_enroll (&fixture->central, fixture->store, NULL);
  fixture->engine = pd_sync_engine_new (fixture->store, fixture->device, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->device);
  pd_store_close (fixture->store);
  g_clear_object (&fixture->store);
  sync_central_clear (&fixture->central);
}

/* Serves again without faults and checks that one more sync sends what is left and that
 * @n applications arrived exactly once. */
static void
assert_recovers (Fixture *fixture,
                 gint64   n)
{
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdSyncReport) more = NULL;
  g_autoptr(GError) error = NULL;

  sync_central_stop (&fixture->central);
  g_free (sync_central_serve (&fixture->central, NULL));
  report = sync_pass (fixture->engine, PD_SYNC_ALL, &error);
  g_assert_no_error (error);
  sync_assert_exactly_once (&fixture->central, fixture->store, n);

  /* Still usable for new work. */
  sync_insert_accepted (fixture->store, 3, 1024, "more");
  more = sync_pass (fixture->engine, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (more->accepted, ==, 3);
  sync_assert_exactly_once (&fixture->central, fixture->store, n + 3);
  g_assert_cmpint (pd_sync_engine_get_state (fixture->engine), ==, PD_SYNC_STATE_IDLE);
}

/* (a) ------------------------------------------------------------------------------------ */

static void
test_kill (Fixture       *fixture,
           gconstpointer  data)
{
  const guint n = 3000;
  const guint wanted_kills = 15;
  gint64 deadline;
  gint64 pending, last_pending;
  gint64 restart_at = 0;
  guint kills = 0;
  g_autoptr(GTimer) timer = g_timer_new ();

  sync_insert_accepted (fixture->store, n, 2048, "kill");
  /* The packets exist before the first pass, so that the pending count is the whole push. */
  g_assert_true (pd_outbox_recover (fixture->store, NULL, NULL));
  /* Short delays, so that fifteen outages fit in a test run; the policy is the same. */
  pd_sync_engine_set_retry_delays (fixture->engine, 1, 2);
  pd_sync_engine_set_request_deadline (fixture->engine, 10);
  pd_sync_engine_start (fixture->engine);

  last_pending = n;
  deadline = g_get_monotonic_time () + 150 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);

      if (fixture->central.server == NULL)
        {
          if (g_get_monotonic_time () >= restart_at)
            g_free (sync_central_serve (&fixture->central, NULL));
          continue;
        }
      pending = sync_outbox_count (fixture->store, PD_OUTBOX_PENDING);
      if (pending == 0 && kills >= wanted_kills)
        break;
      /* Kill in the middle of the push: once some packets went through since the restart,
       * while others are certainly in flight. */
      if (kills < wanted_kills && pending > 0 && last_pending - pending >= 60)
        {
          sync_central_kill (&fixture->central);
          kills++;
          last_pending = pending;
          restart_at = g_get_monotonic_time () + g_random_int_range (50, 400) * 1000;
        }
      else if (kills < wanted_kills && pending == 0)
        {
          /* Everything went before the outages were done: more work for the next ones. */
          sync_insert_accepted (fixture->store, 200, 2048, "kill-extra");
          g_assert_true (pd_outbox_recover (fixture->store, NULL, NULL));
          last_pending = 200 + 60;
        }
    }
  pd_sync_engine_stop (fixture->engine);

  g_test_message ("%u kills; everything sent in %.1f s", kills, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (kills, ==, wanted_kills);
  g_assert_cmpint (sync_outbox_count (fixture->store, PD_OUTBOX_PENDING), ==, 0);
  assert_recovers (fixture, sync_outbox_count (fixture->store, PD_OUTBOX_DONE));
  g_assert_cmpint (sync_central_stat (&fixture->central, "applications_received"), >=, n + 3);
}

/* (b) ------------------------------------------------------------------------------------ */

static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  const char *mode = data;
  const guint n = 40;
  g_autofree char *spec = g_strdup_printf ("%s:1,retry-after:7", mode);
  g_autofree char *inject = g_strconcat ("--inject=", spec, NULL);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  sync_insert_accepted (fixture->store, n, 1024, mode);
  sync_central_stop (&fixture->central);
  g_free (sync_central_serve (&fixture->central, inject, NULL));

  report = sync_pass (fixture->engine, PD_SYNC_ALL, &error);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
  g_clear_error (&error);
  g_assert_cmpuint (report->accepted, ==, 0);
  g_assert_cmpuint (report->deferred, ==, n);
  g_assert_cmpint (pd_sync_engine_get_state (fixture->engine), ==, PD_SYNC_STATE_OFFLINE);
  g_assert_nonnull (pd_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpint (sync_central_stat (&fixture->central, "applications_received"), ==, 0);
  g_assert_cmpint (sync_central_stat (&fixture->central, "injected_faults"), >, 0);

  /* Each packet waits at least what Retry-After asked (503) before a background pass. */
  pending = pd_store_outbox_list (fixture->store, PD_OUTBOX_PENDING, 0, 0, n + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, n);
  for (guint i = 0; i < pending->len; i++)
    {
      PdOutboxEntry *entry = g_ptr_array_index (pending, i);

      g_assert_cmpint (entry->attempts, ==, 1);
      if (g_str_equal (mode, "503"))
        g_assert_cmpint (entry->next_attempt_at, >=, before + 7);
      else
        g_assert_cmpint (entry->next_attempt_at, >=, before);
    }

  assert_recovers (fixture, n);
}

/* (c), (d) and commit-then-503: the answer is lost, whether or not the server stored. --- */

static void
test_lost_answer (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *mode = data;
  const guint n = 60;
  g_autofree char *inject = g_strdup_printf ("--inject=%s:1", mode);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  gboolean slow = g_str_equal (mode, "slow");

  sync_insert_accepted (fixture->store, n, 1024, mode);
  sync_central_stop (&fixture->central);
  g_free (sync_central_serve (&fixture->central, inject, NULL));
  if (slow)
    pd_sync_engine_set_request_deadline (fixture->engine, 3);

  report = sync_pass (fixture->engine, PD_SYNC_PUSH, &error);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
  g_test_message ("%s: %s (after %.1f s)", mode, error->message, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (report->accepted, ==, 0);
  g_assert_cmpint (sync_outbox_count (fixture->store, PD_OUTBOX_PENDING), ==, n);
  g_assert_cmpint (sync_count_status (fixture->store, PD_STATUS_ACCEPTED), ==, n);
  if (slow)
    {
      /* The server never finishes its answer: the client's own deadline ends the wait. */
      g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 3 + 5);
      g_assert_nonnull (strstr (error->message, "3 seconds"));
      pd_sync_engine_set_request_deadline (fixture->engine, PD_SYNC_DEFAULT_DEADLINE);
    }

  assert_recovers (fixture, n);
  /* Truncated, slow and commit-then-503 answers came after the packets were stored: the
   * retry got "duplicate" receipts, and still nothing was stored twice. */
  if (!g_str_equal (mode, "garbage"))
    g_assert_cmpint (sync_central_stat (&fixture->central, "duplicate_pushes"), >, 0);
}

/* (e) ------------------------------------------------------------------------------------ */

static gboolean
openssl (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "openssl");
  g_ptr_array_add (argv, (gpointer) first);
  va_start (args, first);
  for (const char *arg = va_arg (args, const char *); arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  return process != NULL && g_subprocess_wait_check (process, NULL, NULL);
}

/* A certificate authority in @dir/@name-ca.pem and a server certificate for @san signed by
 * it in @dir/@name.pem (key @name.key). */
static gboolean
make_certificates (const char *dir,
                   const char *name,
                   const char *san)
{
  g_autofree char *ca_key = g_strdup_printf ("%s/%s-ca.key", dir, name);
  g_autofree char *ca = g_strdup_printf ("%s/%s-ca.pem", dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *csr = g_strdup_printf ("%s/%s.csr", dir, name);
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", dir, name);
  g_autofree char *ext = g_strdup_printf ("%s/%s.ext", dir, name);
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=%s\nbasicConstraints=CA:FALSE\n", san);

  if (!g_file_set_contents (ext, ext_text, -1, NULL))
    return FALSE;
  return openssl ("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Passdesk test CA",
                  "-keyout", ca_key, "-out", ca, NULL) &&
         openssl ("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=central", "-keyout", key, "-out", csr, NULL) &&
         openssl ("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
                  "-extfile", ext, "-out", cert, NULL);
}

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  const char *dir = fixture->central.tmpdir;
  const guint n = 10;
  g_autofree char *good_ca = g_build_filename (dir, "good-ca.pem", NULL);
  g_autoptr(PdStore) store = NULL;
  g_autoptr(PdDevice) device = NULL;
  const struct {
    const char *name;
    const char *san;
  } servers[] = {
    /* Signed by the trusted authority, but for another host. */
    { "wrong-host", "DNS:central.example.org" },
    /* For this host, but signed by an authority nobody trusts. */
    { "untrusted", "IP:127.0.0.1,DNS:localhost" },
  };

  if (!make_certificates (dir, "good", "IP:127.0.0.1,DNS:localhost") ||
      !make_certificates (dir, "untrusted", servers[1].san))
    {
      g_test_skip ("openssl cannot make test certificates");
      return;
    }
  /* The wrong-host certificate comes from the trusted authority. */
  {
    g_autofree char *ext = g_build_filename (dir, "wrong-host.ext", NULL);
    g_autofree char *key = g_build_filename (dir, "wrong-host.key", NULL);
    g_autofree char *csr = g_build_filename (dir, "wrong-host.csr", NULL);
    g_autofree char *cert = g_build_filename (dir, "wrong-host.pem", NULL);
    g_autofree char *ca_key = g_build_filename (dir, "good-ca.key", NULL);

    g_assert_true (g_file_set_contents (ext, "subjectAltName=DNS:central.example.org\n", -1, NULL));
    g_assert_true (openssl ("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=central.example.org",
                            "-keyout", key, "-out", csr, NULL));
    g_assert_true (openssl ("x509", "-req", "-in", csr, "-CA", good_ca, "-CAkey", ca_key, "-CAcreateserial",
                            "-days", "2", "-extfile", ext, "-out", cert, NULL));
  }

  /* A station that trusts the good authority. */
  store = sync_open_store (dir, "tls-station.db");
  device = sync_enroll (&fixture->central, store, good_ca);
  sync_insert_accepted (store, n, 1024, "tls");

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *cert = g_strdup_printf ("%s/%s.pem", dir, servers[i].name);
      g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, servers[i].name);
      g_autofree char *cert_arg = g_strconcat ("--tls-cert=", cert, NULL);
      g_autofree char *key_arg = g_strconcat ("--tls-key=", key, NULL);
      g_autoptr(PdSyncEngine) engine = NULL;
      g_autoptr(PdSyncReport) report = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;
      gint64 pushes = sync_central_stat (&fixture->central, "pushes");
      SyncCentral tls = fixture->central;

      /* A second server on the same database, over HTTPS. */
      tls.server = NULL;
      tls.port = 0;
      tls.url = NULL;
      url = sync_central_serve (&tls, cert_arg, key_arg, NULL);
      g_assert_true (g_str_has_prefix (url, "https://"));

      engine = pd_sync_engine_new (store, device, url, &error);
      g_assert_no_error (error);
      report = sync_pass (engine, PD_SYNC_ALL, &error);
      g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_TLS);
      g_test_message ("%s: %s", servers[i].name, error->message);
      /* Reported to the user, not taken for being offline. */
      g_assert_cmpint (pd_sync_engine_get_state (engine), ==, PD_SYNC_STATE_ERROR);
      g_assert_nonnull (pd_sync_engine_get_last_error (engine));
      /* Nothing was sent, nothing changed. */
      g_assert_cmpint (sync_central_stat (&fixture->central, "pushes"), ==, pushes);
      g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, n);
      g_assert_cmpint (sync_count_status (store, PD_STATUS_ACCEPTED), ==, n);
      sync_central_stop (&tls);
      g_free (tls.url);
    }

  /* The right server, and the station is fine. */
  {
    g_autoptr(PdSyncEngine) engine = pd_sync_engine_new (store, device, NULL, NULL);
    g_autoptr(PdSyncReport) report = NULL;
    g_autoptr(GError) error = NULL;

    report = sync_pass (engine, PD_SYNC_ALL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->accepted, ==, n);
    sync_assert_exactly_once (&fixture->central, store, n);
  }
  pd_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: test-sync-faults PASSDESK-CENTRAL");
  central_path = argv[1];

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/sync-faults/kill-restart", NULL, test_kill);
  ADD ("/sync-faults/503-retry-after", "503", test_busy);
  ADD ("/sync-faults/500", "500", test_busy);
  ADD ("/sync-faults/garbage", "garbage", test_lost_answer);
  ADD ("/sync-faults/truncated", "truncate", test_lost_answer);
  ADD ("/sync-faults/commit-then-503", "commit-then-503", test_lost_answer);
  ADD ("/sync-faults/slow", "slow", test_lost_answer);
  ADD ("/sync-faults/tls", NULL, test_tls);
#undef ADD
  return g_test_run ();
}
