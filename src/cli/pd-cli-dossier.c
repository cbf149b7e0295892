/* pd-cli-dossier.c: the commands that add, find and change dossiers. */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <string.h>

#include <unistd.h>
#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>

#include "pd-date.h"
#include "pd-cli.h"
#include "pd-intake.h"
#include "pd-json.h"
#include "pd-validate.h"

#define DEFAULT_LIMIT 50
/* A file of 200,000 empty objects has 2.4 million errors: nobody reads past the first
 * screens, and collecting them all took gigabytes. Validation stops at this many. */
#define MAX_REPORTED_ERRORS 100

static int limit = DEFAULT_LIMIT;
static char *status_name;
static char *reason;
static gboolean today_only;

static const GOptionEntry search_entries[] = {
  { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N dossiers, 0 for all (default: 50)"), N_("N") },
  { NULL }
};

static const GOptionEntry list_entries[] = {
  { "status", 0, 0, G_OPTION_ARG_STRING, &status_name, N_("Only dossiers with this status"), N_("STATUS") },
  { "today", 0, 0, G_OPTION_ARG_NONE, &today_only, N_("Only dossiers changed today"), NULL },
  { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N dossiers, 0 for all (default: 50)"), N_("N") },
  { NULL }
};

static const GOptionEntry set_status_entries[] = {
  { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the status changes (kept in the status history)"), N_("TEXT") },
  { NULL }
};

static PdCliExit
check_limit (void)
{
  if (limit >= 0)
    return PD_CLI_EXIT_OK;
  return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("--limit cannot be negative; use 0 for no limit."));
}

static PdStatus
parse_status (const char *text)
{
  g_autoptr(GString) names = NULL;
  PdStatus status = pd_status_from_string (text);

  if (status != PD_STATUS_INVALID)
    return status;

  names = g_string_new (NULL);
  for (PdStatus s = 0; s < PD_N_STATUSES; s++)
    g_string_append_printf (names, "%s%s", s > 0 ? ", " : "", pd_status_to_string (s));
  pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Unknown status “%s”. Use one of: %s."), text, names->str);
  return PD_STATUS_INVALID;
}

static JsonNode *
field_error_to_json (guint               index,
                     const PdFieldError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, index);
  json_builder_set_member_name (builder, "field");
  json_builder_add_string_value (builder, pd_field_get_key (error->field));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_field_error (guint               index,
                   guint               n_dossiers,
                   const PdFieldError *error)
{
  /* The message already starts with the field's label. */
  if (n_dossiers > 1)
    /* TRANSLATORS: the number of the dossier in the input file, then what to fix */
    g_printerr (_("Dossier %u: %s\n"), index + 1, error->message);
  else
    g_printerr ("%s\n", error->message);
}

static JsonNode *
load_json (const char  *path,
           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  JsonNode *root;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GOutputStream) buffer = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (buffer, input, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        return NULL;
      length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (buffer));
      contents = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (buffer));
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
        return NULL;
    }

  if (length == 0)
    {
      g_set_error_literal (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                           _("The input is empty: give one dossier object or an array of them"));
      return NULL;
    }
  root = pd_json_parse (contents, length, error);
  return root;
}

/* One dossier object or an array of them, as `show --json` and the app's export write them. */
static GPtrArray *
read_dossiers (const char  *path,
               GError     **error)
{
  g_autoptr(JsonNode) root = load_json (path, error);
  g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = NULL;
  guint n_nodes = 1;

  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      array = json_node_get_array (root);
      n_nodes = json_array_get_length (array);
    }

  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(GError) local_error = NULL;
      JsonNode *node = array ? json_array_get_element (array, i) : root;
      PdDossier *dossier = pd_dossier_new_from_json (node, &local_error);

      if (dossier == NULL)
        {
          if (array != NULL)
            g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Dossier %u: "), i + 1);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* add always creates: an exported dossier comes back as a new one. */
      pd_dossier_set_id (dossier, 0);
      g_ptr_array_add (dossiers, dossier);
    }

  if (dossiers->len == 0)
    {
      g_set_error_literal (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                           _("The array holds no dossier: give at least one dossier object"));
      return NULL;
    }
  return g_steal_pointer (&dossiers);
}

static PdCliExit
run_add (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dossiers = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(JsonArray) warnings = json_array_new ();
  g_autoptr(PdReference) reference = pd_store_get_reference (cli->store);
  GDate today;
  gboolean saved;
  guint n_errors = 0;
  gboolean stopped = FALSE;

  dossiers = read_dossiers (cli->args[0], &error);
  if (dossiers == NULL)
    {
      g_autofree char *context = NULL;

      if (g_str_equal (cli->args[0], "-"))
        context = g_strdup (_("Cannot read dossiers from standard input"));
      else
        context = g_strdup_printf (_("Cannot read dossiers from “%s”"), cli->args[0]);

      return pd_cli_fail_error (error, context);
    }

  pd_date_set_today (&today);
  for (guint i = 0; i < dossiers->len && !stopped; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);
      g_autoptr(GPtrArray) problems = pd_validate_dossier (dossier, reference, &today);
      g_autoptr(GPtrArray) doubts = NULL;

      for (guint j = 0; j < problems->len; j++, n_errors++)
        {
          if (n_errors == MAX_REPORTED_ERRORS)
            {
              stopped = TRUE;
              break;
            }
          json_array_add_element (errors, field_error_to_json (i, g_ptr_array_index (problems, j)));
          if (!cli->json)
            print_field_error (i, dossiers->len, g_ptr_array_index (problems, j));
        }
      doubts = pd_validate_warnings (dossier, &today);
      for (guint j = 0; j < doubts->len; j++)
        {
          const PdFieldError *doubt = g_ptr_array_index (doubts, j);

          json_array_add_element (warnings, field_error_to_json (i, doubt));
          if (!cli->json)
            pd_cli_warn ("%s", doubt->message);
        }
    }

  if (stopped)
    {
      if (cli->json)
        {
          JsonNode *root = json_node_new (JSON_NODE_OBJECT);
          g_autoptr(JsonObject) object = json_object_new ();

          json_object_set_array_member (object, "errors", json_array_ref (errors));
          json_object_set_boolean_member (object, "errors_truncated", TRUE);
          json_node_set_object (root, object);
          pd_cli_print_json (root);
        }
      return pd_cli_fail (PD_CLI_EXIT_INVALID,
                          _("Nothing was saved: more than %u fields need correcting, and checking "
                            "stopped there. Correct the ones shown and add the file again."),
                          MAX_REPORTED_ERRORS);
    }

  if (json_array_get_length (errors) > 0)
    {
      if (cli->json)
        {
          JsonNode *root = json_node_new (JSON_NODE_OBJECT);
          g_autoptr(JsonObject) object = json_object_new ();

          json_object_set_array_member (object, "errors", json_array_ref (errors));
          json_node_set_object (root, object);
          pd_cli_print_json (root);
        }
      return pd_cli_fail (PD_CLI_EXIT_INVALID,
                          ngettext ("Nothing was saved: %u field needs correcting. Correct it and add the file again.",
                                    "Nothing was saved: %u fields need correcting. Correct them and add the file again.",
                                    json_array_get_length (errors)),
                          json_array_get_length (errors));
    }

  if (dossiers->len == 1)
    saved = pd_store_save (cli->store, g_ptr_array_index (dossiers, 0), cli->actor, &error);
  else
    saved = pd_store_insert_many (cli->store, (PdDossier * const *) dossiers->pdata, dossiers->len,
                                  cli->actor, &error);
  if (!saved)
    return pd_cli_fail_error (error, _("Nothing was saved"));

  if (!cli->json)
    {
      for (guint i = 0; i < dossiers->len; i++)
        {
          PdDossier *dossier = g_ptr_array_index (dossiers, i);

          g_print (_("Added dossier %lld (%s).\n"),
                   (long long) pd_dossier_get_id (dossier), pd_dossier_get_uuid (dossier));
        }
      return PD_CLI_EXIT_OK;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "added");
  json_builder_begin_array (builder);
  for (guint i = 0; i < dossiers->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, pd_dossier_get_id (dossier));
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, pd_dossier_get_uuid (dossier));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "warnings");
  json_builder_add_value (builder, json_node_init_array (json_node_alloc (), warnings));
  json_builder_end_object (builder);
  pd_cli_print_json (json_builder_get_root (builder));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_add = {
  .name = "add",
  .parameters = N_("FILE|-"),
  .summary = N_("Check and add dossiers from a JSON file (one object or an array; - reads standard input)"),
  .min_args = 1,
  .max_args = 1,
  .flags = PD_CLI_FLAGS_WRITES,
  .run = run_add,
};

/* Codes are shown with their names so that the output can be checked against the paper form. */
static char *
format_value (PdReference *reference,
              PdField      field,
              const char  *value)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  const PdReferenceEntry *entry = NULL;

  switch (info->kind)
    {
    case PD_FIELD_KIND_SEX:
    case PD_FIELD_KIND_CHOICE:
      return g_strdup (pd_field_choice_label (field, value));
    case PD_FIELD_KIND_PROVINCE:
      entry = pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, value);
      break;
    case PD_FIELD_KIND_COMMUNE:
      entry = pd_reference_lookup (reference, PD_REFERENCE_COMMUNES, value);
      break;
    case PD_FIELD_KIND_ETHNIC_GROUP:
      entry = pd_reference_lookup (reference, PD_REFERENCE_ETHNIC_GROUPS, value);
      break;
    case PD_FIELD_KIND_TEXT:
    case PD_FIELD_KIND_NAME:
    case PD_FIELD_KIND_DATE:
    case PD_FIELD_KIND_ID_NUMBER:
    case PD_FIELD_KIND_PHONE:
    case PD_FIELD_KIND_EMAIL:
    case PD_FIELD_KIND_NUMBER:
    default:
      break;
    }

  if (entry != NULL)
    return g_strdup_printf ("%s (%s)", entry->name, value);
  return g_strdup (value);
}

static void
print_dossier (PdCli     *cli,
               PdDossier *dossier,
               GPtrArray *history)
{
  g_autoptr(PdReference) reference = pd_store_get_reference (cli->store);
  g_autofree char *created = pd_cli_format_time (pd_dossier_get_created_at (dossier));
  g_autofree char *updated = pd_cli_format_time (pd_dossier_get_updated_at (dossier));
  const char *status_reason = pd_dossier_get_status_reason (dossier);

  g_print (_("Dossier %lld (%s)\n"), (long long) pd_dossier_get_id (dossier), pd_dossier_get_uuid (dossier));
  if (pd_dossier_get_application_number (dossier) != NULL)
    g_print (_("Application number: %s\n"), pd_dossier_get_application_number (dossier));
  g_print (_("Status: %s\n"), pd_status_get_label (pd_dossier_get_status (dossier)));
  if (status_reason != NULL)
    g_print (_("Reason: %s\n"), status_reason);
  g_print (_("Created: %s, last changed: %s\n"), created, updated);
  if (pd_dossier_get_purged (dossier))
    g_print ("%s\n", _("The personal data was removed by the retention rule."));

  for (PdFieldGroup group = 0; group < PD_N_FIELD_GROUPS; group++)
    {
      gboolean header_printed = FALSE;

      for (PdField field = 0; field < PD_N_FIELDS; field++)
        {
          const char *value = pd_dossier_get_field (dossier, field);
          g_autofree char *shown = NULL;

          if (value == NULL || pd_field_get_info (field)->group != group)
            continue;
          if (!header_printed)
            g_print ("\n%s\n", pd_field_group_get_label (group));
          header_printed = TRUE;
          shown = format_value (reference, field, value);
          g_print ("  %s: %s\n", pd_field_get_label (field), shown);
        }
    }

  g_print ("\n%s\n", _("Status history"));
  for (guint i = 0; i < history->len; i++)
    {
      const PdStatusChange *change = g_ptr_array_index (history, i);
      g_autofree char *at = pd_cli_format_time (change->at);

      g_print ("  %s  %s  %s%s%s\n", at, pd_status_get_label (change->status),
               change->actor ? change->actor : "-",
               change->reason ? " — " : "", change->reason ? change->reason : "");
    }
}

static PdCliExit
run_show (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = pd_cli_get_dossier (cli, cli->args[0], &error);
  g_autoptr(GPtrArray) history = NULL;

  if (dossier == NULL)
    return pd_cli_fail_error (error, NULL);
  history = pd_store_get_status_history (cli->store, pd_dossier_get_id (dossier), &error);
  if (history == NULL)
    return pd_cli_fail_error (error, _("Cannot read the status history"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dossier");
      json_builder_add_value (builder, pd_dossier_to_json (dossier, TRUE));
      pd_cli_add_string_member (builder, "application_number", pd_dossier_get_application_number (dossier));
      pd_cli_add_string_member (builder, "accepted_on", pd_dossier_get_accepted_on (dossier));
      json_builder_set_member_name (builder, "history");
      json_builder_begin_array (builder);
      for (guint i = 0; i < history->len; i++)
        json_builder_add_value (builder, pd_cli_status_change_to_json (g_ptr_array_index (history, i)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else
    print_dossier (cli, dossier, history);
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_show = {
  .name = "show",
  .parameters = N_("NUMBER|UUID|APPLICATION-NUMBER"),
  .summary = N_("Show one dossier with its status history"),
  .min_args = 1,
  .max_args = 1,
  .run = run_show,
};

static PdCliExit
run_search (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *query = cli->args[0];
  gboolean only_digits = *query != '\0';

  if (check_limit () != PD_CLI_EXIT_OK)
    return PD_CLI_EXIT_UNUSABLE;

  for (const char *p = query; *p; p++)
    only_digits = only_digits && g_ascii_isdigit (*p);

  if (pd_id_number_is_valid (query))
    found = pd_store_find_by_id_number (cli->store, query, &error);
  else if (strchr (query, '-') != NULL && strchr (query, ' ') == NULL)
    found = pd_store_find_by_application_number (cli->store, query, &error);
  else if (only_digits)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("“%s” is not an ID number: give all 12 digits, or search by name."), query);
  else
    found = pd_store_search_name (cli->store, query, limit, &error);

  if (found == NULL)
    return pd_cli_fail_error (error, _("The search failed"));
  if (limit > 0 && found->len > (guint) limit)
    g_ptr_array_set_size (found, limit);
  pd_cli_print_dossiers (cli, found);
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_search = {
  .name = "search",
  .parameters = N_("ID-NUMBER|APPLICATION-NUMBER|NAME"),
  .summary = N_("Find dossiers by 12-digit ID number, by application number (HN01-261207-B0042) or by name (case and accents ignored)"),
  .min_args = 1,
  .max_args = 1,
  .entries = search_entries,
  .run = run_search,
};

static PdCliExit
run_list (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dossiers = NULL;
  PdStatus status = PD_STATUS_INVALID;
  gint64 since = 0;

  if (check_limit () != PD_CLI_EXIT_OK)
    return PD_CLI_EXIT_UNUSABLE;
  if (status_name != NULL && (status = parse_status (status_name)) == PD_STATUS_INVALID)
    return PD_CLI_EXIT_UNUSABLE;
  if (today_only)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                             g_date_time_get_month (now),
                                                             g_date_time_get_day_of_month (now),
                                                             0, 0, 0);

      since = g_date_time_to_unix (midnight);
    }

  dossiers = pd_store_list (cli->store, status, since, limit, &error);
  if (dossiers == NULL)
    return pd_cli_fail_error (error, _("Cannot list the dossiers"));
  pd_cli_print_dossiers (cli, dossiers);
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_list = {
  .name = "list",
  .summary = N_("List the most recently changed dossiers, optionally by status or for today"),
  .min_args = 0,
  .max_args = 0,
  .entries = list_entries,
  .run = run_list,
};

static PdCliExit
run_set_status (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  PdStatus status = parse_status (cli->args[1]);

  if (status == PD_STATUS_INVALID)
    return PD_CLI_EXIT_UNUSABLE;

  dossier = pd_cli_get_dossier (cli, cli->args[0], &error);
  if (dossier == NULL)
    return pd_cli_fail_error (error, NULL);
  if (status == PD_STATUS_ON_HOLD || status == PD_STATUS_REFUSED)
    {
      /* Setting aside is the intake's, with the form's rules; who does it comes from the
       * session signed in at this station, if any. */
      g_autoptr(PdDevice) device = pd_device_load (cli->store, NULL, NULL);
      g_autoptr(PdOfficer) officer = pd_officer_get_current (cli->store, device, NULL, NULL);
      g_autoptr(PdIntake) intake = pd_intake_new (cli->store, dossier);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(PdDossier) set_aside = NULL;
      PdCliWait wait = { 0 };

      pd_intake_set_aside_async (intake, status, reason,
                                 officer != NULL ? pd_officer_get_role (officer) : PD_ROLE_NONE,
                                 cli->actor, NULL, pd_cli_wait_done, &wait);
      result = pd_cli_wait_run (&wait);
      set_aside = pd_intake_set_aside_finish (intake, result, &error);
      if (set_aside == NULL)
        return pd_cli_fail_error (error, _("The status was not changed"));
    }
  else if (!pd_store_set_status (cli->store, pd_dossier_get_id (dossier), status, cli->actor, reason, &error))
    return pd_cli_fail_error (error, _("The status was not changed"));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, pd_dossier_get_id (dossier));
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, pd_dossier_get_uuid (dossier));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, pd_status_to_string (status));
      json_builder_end_object (builder);
      pd_cli_print_json (json_builder_get_root (builder));
    }
  else
    /* TRANSLATORS: dossier number, then its new status */
    g_print (_("Dossier %lld is now: %s.\n"), (long long) pd_dossier_get_id (dossier),
             pd_status_get_label (status));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_set_status = {
  .name = "set-status",
  .parameters = N_("NUMBER|UUID STATUS"),
  .summary = N_("Change the status of a dossier (recorded in its history and the audit log)"),
  .min_args = 2,
  .max_args = 2,
  .flags = PD_CLI_FLAGS_WRITES,
  .entries = set_status_entries,
  .run = run_set_status,
};
