/* pd-cli-admin.c: the commands that look after the database as a whole. */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>

#include "pd-cli.h"
#include "pd-demo.h"
#include "pd-intake.h"
#include "pd-required-documents.h"
#include "sync/pd-outbox.h"
#include "pd-store-private.h"

/* Large enough to amortise a transaction, small enough to keep memory flat. */
#define DEMO_BATCH_SIZE 10000

static char *count_text;
static char *seed_text;
static char *days_text;
static char *after_text;
static int audit_limit = 100;
static gboolean dry_run;

static const GOptionEntry demo_data_entries[] = {
  { "count", 0, 0, G_OPTION_ARG_STRING, &count_text, N_("How many dossiers to generate (default: 1000)"), N_("N") },
  { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, N_("Generate the same dossiers again from this seed"), N_("S") },
  { NULL }
};

static const GOptionEntry audit_entries[] = {
  { "after", 0, 0, G_OPTION_ARG_STRING, &after_text, N_("list: only entries after this sequence number"), N_("SEQ") },
  { "limit", 0, 0, G_OPTION_ARG_INT, &audit_limit, N_("list: show at most N entries, 0 for all (default: 100)"), N_("N") },
  { NULL }
};

static const GOptionEntry purge_entries[] = {
  { "days", 0, 0, G_OPTION_ARG_STRING, &days_text, N_("Keep personal data this many days after confirmation (default: the database’s setting)"), N_("N") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Only count the dossiers that would be purged"), NULL },
  { NULL }
};

/* Options given as text so that "-5" or "ten" get a clear message, not a wrap-around. */
static gboolean
parse_option_count (const char *option,
                    const char *text,
                    guint64     max,
                    guint64    *out)
{
  if (text == NULL || pd_cli_parse_count (text, max, out))
    return TRUE;
  pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("%s expects a whole number from 0 to %llu, not “%s”."),
               option, (unsigned long long) max, text);
  return FALSE;
}

static PdCliExit
run_init (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  gint64 count = pd_store_count (cli->store, &error);

  if (count < 0)
    return pd_cli_fail_error (error, _("The database opened but cannot be read"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, pd_store_get_path (cli->store));
      json_builder_set_member_name (builder, "store_id");
      json_builder_add_string_value (builder, pd_store_get_store_id (cli->store));
      json_builder_set_member_name (builder, "created");
      json_builder_add_boolean_value (builder, cli->created);
      json_builder_set_member_name (builder, "dossiers");
      json_builder_add_int_value (builder, count);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return PD_CLI_EXIT_OK;
    }

  if (cli->created)
    g_print (_("Created the database “%s”; its key is in your keyring.\n"), pd_store_get_path (cli->store));
  else
    g_print (_("The database “%s” already exists and opens with the key in your keyring.\n"),
             pd_store_get_path (cli->store));
  g_print (ngettext ("It holds %lld dossier.\n", "It holds %lld dossiers.\n", count), (long long) count);
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_init = {
  .name = "init",
  .summary = N_("Create the database and its key in the keyring (does nothing if it exists)"),
  .flags = PD_CLI_FLAGS_CREATE,
  .run = run_init,
};

static PdCliExit
run_stats (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dossiers = pd_store_list (cli->store, PD_STATUS_INVALID, 0, 0, &error);
  guint counts[PD_N_STATUSES] = { 0 };
  guint n_purged = 0;

  if (dossiers == NULL)
    return pd_cli_fail_error (error, _("Cannot count the dossiers"));

  for (guint i = 0; i < dossiers->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);

      counts[pd_dossier_get_status (dossier)]++;
      n_purged += pd_dossier_get_purged (dossier) ? 1 : 0;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, dossiers->len);
      json_builder_set_member_name (builder, "purged");
      json_builder_add_int_value (builder, n_purged);
      json_builder_set_member_name (builder, "by_status");
      json_builder_begin_object (builder);
      for (PdStatus status = 0; status < PD_N_STATUSES; status++)
        {
          json_builder_set_member_name (builder, pd_status_to_string (status));
          json_builder_add_int_value (builder, counts[status]);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
      return PD_CLI_EXIT_OK;
    }

  for (PdStatus status = 0; status < PD_N_STATUSES; status++)
    g_print ("%8u  %s\n", counts[status], pd_status_get_label (status));
  g_print ("%8u  %s\n", dossiers->len, _("Total"));
  g_print ("%8u  %s\n", n_purged, _("Personal data removed by the retention rule"));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_stats = {
  .name = "stats",
  .summary = N_("Count the dossiers by status"),
  .run = run_stats,
};

static JsonNode *
audit_entry_to_json (const PdAuditEntry *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, entry->seq);
  json_builder_set_member_name (builder, "at");
  json_builder_add_int_value (builder, entry->at);
  pd_cli_add_string_member (builder, "actor", entry->actor);
  pd_cli_add_string_member (builder, "action", entry->action);
  pd_cli_add_string_member (builder, "subject", entry->subject);
  pd_cli_add_string_member (builder, "detail", entry->detail);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static PdCliExit
audit_verify (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 n_entries = 0;
  gboolean intact = pd_store_audit_verify (cli->store, &n_entries, &error);

  if (!intact && !g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT))
    return pd_cli_fail_error (error, _("Cannot check the audit log"));

  if (cli->json)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "intact");
      json_builder_add_boolean_value (builder, intact);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, n_entries);
      if (!intact)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, error->message);
        }
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }

  if (!intact)
    return pd_cli_fail (PD_CLI_EXIT_INVALID,
                        _("The audit log has been altered: %s. Keep this database as evidence and report it to your supervisor."),
                        error->message);
  if (!cli->json)
    g_print (ngettext ("The audit log is intact: %lld entry checked.\n",
                       "The audit log is intact: %lld entries checked.\n", n_entries),
             (long long) n_entries);
  return PD_CLI_EXIT_OK;
}

static PdCliExit
audit_list (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint64 after = 0;

  if (!parse_option_count ("--after", after_text, G_MAXINT64, &after))
    return PD_CLI_EXIT_UNUSABLE;
  if (audit_limit < 0)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("--limit cannot be negative; use 0 for all entries."));

  entries = pd_store_audit_list (cli->store, (gint64) after, audit_limit, &error);
  if (entries == NULL)
    return pd_cli_fail_error (error, _("Cannot read the audit log"));

  if (cli->json)
    {
      g_autoptr(JsonArray) array = json_array_sized_new (entries->len);

      for (guint i = 0; i < entries->len; i++)
        json_array_add_element (array, audit_entry_to_json (g_ptr_array_index (entries, i)));
      pd_cli_print_json (json_node_init_array (json_node_alloc (), array));
      return PD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const PdAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *at = pd_cli_format_time (entry->at);

      g_print ("%6lld  %s  %-10s  %-9s  %s  %s\n", (long long) entry->seq, at,
               entry->actor ? entry->actor : "-", entry->action,
               entry->subject ? entry->subject : "-", entry->detail ? entry->detail : "");
    }
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_audit (PdCli *cli)
{
  if (g_str_equal (cli->args[0], "verify"))
    return audit_verify (cli);
  if (g_str_equal (cli->args[0], "list"))
    return audit_list (cli);
  return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Unknown audit action “%s”: use “verify” or “list”."),
                      cli->args[0]);
}

const PdCliCommand pd_cli_command_audit = {
  .name = "audit",
  .parameters = N_("verify|list"),
  .summary = N_("Check that the audit log is unbroken, or list its entries"),
  .min_args = 1,
  .max_args = 1,
  .entries = audit_entries,
  .run = run_audit,
};

/* The retention rule of pd_store_purge(), read-only: personal data still present, and the
 * first confirmation by the central system (which the status history records, from the
 * creation of the dossier on) at or before @cutoff. */
static gboolean
count_purgeable (PdCli   *cli,
                 gint64   cutoff,
                 guint   *n_purgeable,
                 GError **error)
{
  g_autoptr(GPtrArray) dossiers = pd_store_list (cli->store, PD_STATUS_INVALID, 0, 0, error);

  *n_purgeable = 0;
  if (dossiers == NULL)
    return FALSE;

  for (guint i = 0; i < dossiers->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);
      g_autoptr(GPtrArray) history = NULL;

      /* Confirmation never precedes creation: most recent dossiers need no history. */
      if (pd_dossier_get_purged (dossier) || pd_dossier_get_created_at (dossier) > cutoff)
        continue;
      history = pd_store_get_status_history (cli->store, pd_dossier_get_id (dossier), error);
      if (history == NULL)
        return FALSE;
      for (guint j = 0; j < history->len; j++)
        {
          const PdStatusChange *change = g_ptr_array_index (history, j);

          if (pd_status_is_confirmed (change->status))
            {
              *n_purgeable += change->at <= cutoff ? 1 : 0;
              break;
            }
        }
    }
  return TRUE;
}

static PdCliExit
run_purge (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  guint64 days = pd_store_get_retention_days (cli->store);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_purged = 0;

  if (!parse_option_count ("--days", days_text, G_MAXUINT, &days))
    return PD_CLI_EXIT_UNUSABLE;

  if (dry_run)
    {
      if (!count_purgeable (cli, now - (gint64) days * 24 * 60 * 60, &n_purged, &error))
        return pd_cli_fail_error (error, _("Cannot count the dossiers to purge"));
    }
  else if (!pd_store_purge (cli->store, days, now, &n_purged, cli->actor, &error))
    return pd_cli_fail_error (error, _("Nothing was purged"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "days");
      json_builder_add_int_value (builder, days);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, dry_run);
      json_builder_set_member_name (builder, "purged");
      json_builder_add_int_value (builder, n_purged);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else if (dry_run)
    g_print (ngettext ("%u dossier was confirmed more than %u days ago; run without --dry-run to remove its personal data.\n",
                       "%u dossiers were confirmed more than %u days ago; run without --dry-run to remove their personal data.\n",
                       n_purged),
             n_purged, (guint) days);
  else
    g_print (ngettext ("Removed the personal data of %u dossier confirmed more than %u days ago.\n",
                       "Removed the personal data of %u dossiers confirmed more than %u days ago.\n",
                       n_purged),
             n_purged, (guint) days);
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_purge = {
  .name = "purge",
  .summary = N_("Remove the personal data of dossiers confirmed by the central system long enough ago"),
  .flags = PD_CLI_FLAGS_WRITES,
  .entries = purge_entries,
  .run = run_purge,
};

/* Demo data goes in as the counter takes applications in: drafts are saved, the rest goes
 * through PdIntake with the signed-in officer's role (held, refused, or accepted with every
 * paper checked and a photo), so that the store's and the intake's rules hold for them too.
 * What comes after an acceptance (sent, received, processing, ready, rejected) belongs to the
 * central system: a demo gets it by syncing with a demo server that moves applications along
 * (build-aux/run-demo.sh), never by writing it here. */
typedef struct {
  PdStore         *store;
  PdOfficer       *officer;      /* nullable: then only drafts */
  PdPaperEvidence  evidence;     /* every paper checked */
  GBytes          *photo;
  guint            counts[PD_N_STATUSES];
} DemoIntake;

/* A plain light picture, as a photo taken at the desk would be there: the photo paper is
 * ticked by the photo being part of the application. */
static GBytes *
demo_photo (GError **error)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 400, 600);
  g_autofree char *data = NULL;
  gsize length;

  gdk_pixbuf_fill (pixbuf, 0xf0f0f0ff);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &data, &length, "jpeg", error, "quality", "80", NULL))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* What the demo dossier's stage asks the counter to do with it. */
static PdStatus
demo_counter_status (PdDossier *dossier,
                     PdRole     role)
{
  PdStatus stage = pd_dossier_get_status (dossier);

  if (stage == PD_STATUS_DRAFT || role == PD_ROLE_NONE)
    return PD_STATUS_DRAFT;
  if (stage == PD_STATUS_ON_HOLD || stage == PD_STATUS_REFUSED)
    return pd_intake_check_role (role, stage, NULL) ? stage : PD_STATUS_DRAFT;
  /* Accepted, or further along at the central system: accepted here. */
  return pd_role_may_accept (role) ? PD_STATUS_ACCEPTED : PD_STATUS_DRAFT;
}

static gboolean
demo_take_in (DemoIntake  *demo,
              PdDossier   *dossier,
              PdStatus     status,
              GError     **error)
{
  g_autoptr(PdIntake) intake = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdDossier) taken = NULL;
  g_autofree char *reason = g_strdup (pd_dossier_get_status_reason (dossier));
  PdCliWait wait = { 0 };

  /* A new application comes to the counter as a draft; the intake decides the rest. */
  pd_dossier_set_status (dossier, PD_STATUS_DRAFT);
  pd_dossier_set_status_reason (dossier, NULL);
  if (status == PD_STATUS_REFUSED && reason == NULL)
    reason = g_strdup ("Hồ sơ không đủ điều kiện");
  if (status == PD_STATUS_ACCEPTED)
    pd_dossier_set_photo (dossier, demo->photo);
  /* The demo's made-up day may be a weekend or before the legal minimum: the intake counts it,
   * as a counter does when the officer types none. */
  pd_dossier_set_field (dossier, PD_FIELD_APPOINTMENT_DATE, NULL);
  intake = pd_intake_new (demo->store, dossier);
  pd_intake_set_evidence (intake, &demo->evidence);
  pd_intake_set_signer (intake, pd_officer_get_display_name (demo->officer));
  if (status == PD_STATUS_ACCEPTED)
    pd_intake_accept_async (intake, pd_officer_get_role (demo->officer),
                            pd_officer_get_username (demo->officer),
                            pd_officer_get_acceptance_token (demo->officer), NULL, pd_cli_wait_done, &wait);
  else
    pd_intake_set_aside_async (intake, status, status == PD_STATUS_REFUSED ? reason : NULL,
                               pd_officer_get_role (demo->officer), pd_officer_get_username (demo->officer),
                               NULL, pd_cli_wait_done, &wait);
  result = pd_cli_wait_run (&wait);
  taken = status == PD_STATUS_ACCEPTED ? pd_intake_accept_finish (intake, result, error)
                                       : pd_intake_set_aside_finish (intake, result, error);
  if (taken == NULL)
    return FALSE;
  demo->counts[status]++;
  return TRUE;
}

static PdCliExit
run_demo_data (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdReference) reference = pd_store_get_reference (cli->store);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(PdDevice) device = NULL;
  g_autoptr(PdOfficer) officer = NULL;
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GBytes) photo = NULL;
  DemoIntake demo = { 0 };
  PdRole role;
  guint64 count = 1000;
  guint64 seed = 0;
  guint64 done = 0;
  double seconds;
  g_autoptr(GDateTime) now = NULL;

  if (!parse_option_count ("--count", count_text, G_MAXUINT, &count) ||
      !parse_option_count ("--seed", seed_text, G_MAXUINT32, &seed))
    return PD_CLI_EXIT_UNUSABLE;

  /* Who takes the applications in: the officer signed in at this station, as at the counter. */
  device = pd_device_load (cli->store, NULL, NULL);
  officer = pd_officer_get_current (cli->store, device, NULL, NULL);
  role = officer ? pd_officer_get_role (officer) : PD_ROLE_NONE;
  if (device != NULL)
    pd_outbox_attach (cli->store, device);
  if (role != PD_ROLE_NONE)
    {
      documents = pd_required_documents_load_default (&error);
      if (documents == NULL)
        return pd_cli_fail_error (error, _("Cannot read the list of required documents"));
      for (guint i = 0; i < documents->len; i++)
        g_hash_table_insert (ticks, ((PdRequiredDocument *) g_ptr_array_index (documents, i))->code,
                             GUINT_TO_POINTER (PD_PAPER_TICK_YES));
      photo = demo_photo (&error);
      if (photo == NULL)
        return pd_cli_fail_error (error, _("Cannot make the demo photo"));
    }
  demo.store = cli->store;
  demo.officer = officer;
  demo.evidence.ticks = ticks;
  demo.evidence.id_card_seen = TRUE;
  demo.photo = photo;

  rand = seed_text != NULL ? g_rand_new_with_seed ((guint32) seed) : g_rand_new ();
  now = g_date_time_new_now_local ();
  timer = g_timer_new ();

  while (done < count)
    {
      guint batch_size = MIN (DEMO_BATCH_SIZE, count - done);
      g_autoptr(GPtrArray) batch = g_ptr_array_new_full (batch_size, g_object_unref);
      g_autoptr(GPtrArray) drafts = g_ptr_array_new ();

      for (guint i = 0; i < batch_size; i++)
        g_ptr_array_add (batch, pd_demo_dossier_new (reference, rand, now));
      for (guint i = 0; i < batch->len && error == NULL; i++)
        {
          PdDossier *dossier = g_ptr_array_index (batch, i);
          PdStatus status = demo_counter_status (dossier, role);

          if (status != PD_STATUS_DRAFT)
            {
              demo_take_in (&demo, dossier, status, &error);
              continue;
            }
          pd_dossier_set_status (dossier, PD_STATUS_DRAFT);
          pd_dossier_set_status_reason (dossier, NULL);
          g_ptr_array_add (drafts, dossier);
        }
      if (error == NULL)
        pd_store_insert_many (cli->store, (PdDossier * const *) drafts->pdata, drafts->len, cli->actor, &error);
      if (error != NULL)
        {
          g_autofree char *context = g_strdup_printf (_("Stopped after %llu dossiers"),
                                                      (unsigned long long) done);

          return pd_cli_fail_error (error, context);
        }
      demo.counts[PD_STATUS_DRAFT] += drafts->len;
      done += batch_size;
    }

  seconds = g_timer_elapsed (timer, NULL);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "inserted");
      json_builder_add_int_value (builder, done);
      json_builder_set_member_name (builder, "statuses");
      json_builder_begin_object (builder);
      for (PdStatus status = 0; status < PD_N_STATUSES; status++)
        if (demo.counts[status] > 0)
          {
            json_builder_set_member_name (builder, pd_status_to_string (status));
            json_builder_add_int_value (builder, demo.counts[status]);
          }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_set_member_name (builder, "per_second");
      json_builder_add_double_value (builder, seconds > 0 ? done / seconds : 0);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else
    {
      g_printerr (ngettext ("Inserted %llu demo dossier in %.2f s (%.0f per second).\n",
                            "Inserted %llu demo dossiers in %.2f s (%.0f per second).\n", done),
                  (unsigned long long) done, seconds, seconds > 0 ? done / seconds : 0);
      g_printerr (_("Drafts: %u, on hold: %u, refused: %u, accepted: %u.\n"),
                  demo.counts[PD_STATUS_DRAFT], demo.counts[PD_STATUS_ON_HOLD],
                  demo.counts[PD_STATUS_REFUSED], demo.counts[PD_STATUS_ACCEPTED]);
      if (role == PD_ROLE_NONE)
        g_printerr (_("Nobody is signed in, so every demo application is a draft. Sign in as an "
                      "officer first (passdesk-cli sign-in) to have some accepted, held or refused.\n"));
    }
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_demo_data = {
  .name = "demo-data",
  .summary = N_("Fill the database with generated dossiers, for training and load tests"),
  .flags = PD_CLI_FLAGS_WRITES,
  .entries = demo_data_entries,
  .run = run_demo_data,
};
