/* pd-cli-common.c: opening the store, reporting errors and printing results. */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-cli.h"
#include "pd-intake.h"

char *
pd_cli_get_default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "passdesk", "passdesk.db", NULL);
}

PdCliExit
pd_cli_open_store (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  gboolean create = (cli->command->flags & PD_CLI_FLAGS_CREATE) != 0;

  if (create)
    {
      g_autofree char *dir = g_path_get_dirname (cli->db_path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                              _("Cannot create the folder “%s”: %s. Choose another place with --db."),
                              dir, g_strerror (saved_errno));
        }
    }
  else if (!g_file_test (cli->db_path, G_FILE_TEST_EXISTS))
    {
      return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                          _("There is no database at “%s”. Create it with “passdesk-cli init --db %s” "
                            "or name an existing one with --db."),
                          cli->db_path, cli->db_path);
    }

  cli->created = create && !g_file_test (cli->db_path, G_FILE_TEST_EXISTS);
  cli->store = pd_store_open (cli->db_path,
                              create ? PD_STORE_OPEN_CREATE : PD_STORE_OPEN_NONE,
                              &error);
  if (cli->store == NULL)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      /* The store's messages say what to do; the command line adds which file and --db. */
      if (strstr (error->message, cli->db_path) == NULL)
        g_string_printf (message, _("Cannot open “%s”: "), cli->db_path);
      g_string_append (message, error->message);
      if (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT))
        g_string_append_printf (message, " %s", _("If --db names the wrong file, give the right one."));
      return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", message->str);
    }

  return PD_CLI_EXIT_OK;
}

void
pd_cli_wait_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PdCliWait *wait = user_data;

  wait->result = g_object_ref (result);
  if (wait->loop != NULL)
    g_main_loop_quit (wait->loop);
}

GAsyncResult *
pd_cli_wait_run (PdCliWait *wait)
{
  if (wait->result == NULL)
    {
      wait->loop = g_main_loop_new (NULL, FALSE);
      g_main_loop_run (wait->loop);
      g_clear_pointer (&wait->loop, g_main_loop_unref);
    }
  return g_steal_pointer (&wait->result);
}

PdCliExit
pd_cli_exit_code_for_error (const GError *error)
{
  if (error->domain == PD_STORE_ERROR &&
      (error->code == PD_STORE_ERROR_NOT_FOUND || error->code == PD_STORE_ERROR_INVALID))
    return PD_CLI_EXIT_INVALID;
  /* The application breaks a rule of the counter (pd-intake.h). */
  if (error->domain == PD_INTAKE_ERROR)
    return PD_CLI_EXIT_INVALID;

  return PD_CLI_EXIT_UNUSABLE;
}

PdCliExit
pd_cli_fail (PdCliExit   code,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", g_get_prgname (), message);
  return code;
}

PdCliExit
pd_cli_fail_error (const GError *error,
                   const char   *context)
{
  PdCliExit code = pd_cli_exit_code_for_error (error);

  if (context != NULL)
    return pd_cli_fail (code, "%s: %s", context, error->message);
  return pd_cli_fail (code, "%s", error->message);
}

void
pd_cli_warn (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* TRANSLATORS: a warning on the terminal; the data was still accepted */
  g_printerr (_("Warning: %s\n"), message);
}

void
pd_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonNode) owned = node;
  g_autofree char *text = json_to_string (owned, TRUE);

  /* JSON is UTF-8 whatever the locale, so it bypasses g_print()'s conversion. */
  fputs (text, stdout);
  fputc ('\n', stdout);
}

char *
pd_cli_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);

  if (time == NULL)
    return g_strdup ("?");
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

gboolean
pd_cli_parse_count (const char *text,
                    guint64     max,
                    guint64    *out)
{
  return g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

PdDossier *
pd_cli_get_dossier (PdCli       *cli,
                    const char  *id_or_uuid,
                    GError     **error)
{
  guint64 id;

  if (g_ascii_string_to_unsigned (id_or_uuid, 10, 1, G_MAXINT64, &id, NULL))
    return pd_store_get (cli->store, (gint64) id, error);
  if (!g_uuid_string_is_valid (id_or_uuid))
    {
      /* The application number printed on the slip and the receipt. */
      g_autoptr(GPtrArray) found = pd_store_find_by_application_number (cli->store, id_or_uuid, error);

      if (found == NULL)
        return NULL;
      if (found->len > 0)
        return pd_store_get (cli->store, pd_dossier_get_id (found->pdata[0]), error);
    }
  return pd_store_get_by_uuid (cli->store, id_or_uuid, error);
}

/* printf() widths count bytes, which misaligns Vietnamese text. */
static void
append_padded (GString    *line,
               const char *text,
               guint       width)
{
  glong length = g_utf8_strlen (text, -1);

  g_string_append (line, text);
  for (glong i = length; i < (glong) width + 2; i++)
    g_string_append_c (line, ' ');
}

void
pd_cli_print_dossiers (PdCli     *cli,
                       GPtrArray *dossiers)
{
  guint status_width = 0;

  if (cli->json)
    {
      g_autoptr(JsonArray) array = json_array_sized_new (dossiers->len);
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < dossiers->len; i++)
        json_array_add_element (array, pd_dossier_to_json (g_ptr_array_index (dossiers, i), TRUE));
      json_node_set_array (node, array);
      pd_cli_print_json (node);
      return;
    }

  if (dossiers->len == 0)
    {
      g_print ("%s\n", _("No dossier matches."));
      return;
    }

  for (guint i = 0; i < dossiers->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);

      status_width = MAX (status_width,
                          g_utf8_strlen (pd_status_get_label (pd_dossier_get_status (dossier)), -1));
    }

  for (guint i = 0; i < dossiers->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);
      g_autoptr(GString) line = g_string_new (NULL);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, pd_dossier_get_id (dossier));
      g_autofree char *created = pd_cli_format_time (pd_dossier_get_created_at (dossier));
      const char *id_number = pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER);
      const char *name = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);

      append_padded (line, number, 6);
      append_padded (line, created, 16);
      append_padded (line, id_number ? id_number : "-", 12);
      append_padded (line, pd_status_get_label (pd_dossier_get_status (dossier)), status_width);
      if (pd_dossier_get_purged (dossier))
        g_string_append (line, _("(personal data removed by the retention rule)"));
      else
        g_string_append (line, name ? name : "-");
      g_print ("%s\n", line->str);
    }
}

void
pd_cli_add_string_member (JsonBuilder *builder,
                          const char  *name,
                          const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
pd_cli_status_change_to_json (const PdStatusChange *change)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "at");
  json_builder_add_int_value (builder, change->at);
  pd_cli_add_string_member (builder, "status", pd_status_to_string (change->status));
  pd_cli_add_string_member (builder, "actor", change->actor);
  pd_cli_add_string_member (builder, "reason", change->reason);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
