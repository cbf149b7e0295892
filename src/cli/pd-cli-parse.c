/* pd-cli-parse.c: "passdesk-cli parse": read a scanned code and print what it holds.
 *
 *   passdesk-cli parse cccd TEXT
 *   passdesk-cli parse mrz LINE LINE [LINE]     (or the lines in one argument)
 *   passdesk-cli parse declaration TEXT         (a declaration code or QR code)
 *   passdesk-cli parse any TEXT                 (what the counter's scanner does)
 *
 * Prints JSON. Exit 0: read and every check holds; 1: read, but a check failed (an MRZ check
 * digit, a declaration code's check character, a QR code's signature or key); 2: unreadable.
 * A declaration QR code is checked against the keys the database trusts (--db, when the file
 * exists) and, in an uninstalled run, the demo key (see pd-declaration-keys.h).
 */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-cli.h"
#include "sync/pd-declaration-keys.h"
#include "pd-scan-router.h"

static void
add_string_array (JsonBuilder        *builder,
                  const char         *name,
                  const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_char_member (JsonBuilder *builder,
                 const char  *name,
                 char         c)
{
  char text[2] = { c, '\0' };

  pd_cli_add_string_member (builder, name, text);
}

static void
add_cccd (JsonBuilder  *builder,
          const PdCccd *card)
{
  g_auto(GStrv) warnings = pd_cccd_get_warning_messages (card);

  pd_cli_add_string_member (builder, "id_number", card->id_number);
  pd_cli_add_string_member (builder, "old_id", *card->old_id ? card->old_id : NULL);
  pd_cli_add_string_member (builder, "full_name", card->full_name);
  pd_cli_add_string_member (builder, "birth_date", card->birth_date);
  pd_cli_add_string_member (builder, "sex", card->sex);
  pd_cli_add_string_member (builder, "address", card->address);
  pd_cli_add_string_member (builder, "issue_date", *card->issue_date ? card->issue_date : NULL);
  add_string_array (builder, "warnings", (const char * const *) warnings);
  add_string_array (builder, "extra_fields", card->extra_fields);
}

static void
add_mrz (JsonBuilder *builder,
         const PdMrz *mrz)
{
  pd_cli_add_string_member (builder, "format", mrz->format == PD_MRZ_FORMAT_TD1 ? "TD1" : "TD3");
  add_string_array (builder, "lines", (const char * const *) mrz->lines);
  pd_cli_add_string_member (builder, "document_type", mrz->document_type);
  pd_cli_add_string_member (builder, "issuing_state", mrz->issuing_state);
  pd_cli_add_string_member (builder, "document_number", mrz->document_number);
  pd_cli_add_string_member (builder, "id_number", mrz->id_number);
  pd_cli_add_string_member (builder, "optional_data", mrz->optional_data);
  pd_cli_add_string_member (builder, "birth_date", mrz->birth_date);
  pd_cli_add_string_member (builder, "sex", mrz->sex);
  pd_cli_add_string_member (builder, "expiry_date", mrz->expiry_date);
  pd_cli_add_string_member (builder, "nationality", mrz->nationality);
  pd_cli_add_string_member (builder, "surname", mrz->surname);
  pd_cli_add_string_member (builder, "given_names", mrz->given_names);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < mrz->checks->len; i++)
    {
      const PdMrzCheck *check = &g_array_index (mrz->checks, PdMrzCheck, i);

      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "name", check->name);
      pd_cli_add_string_member (builder, "label", check->label);
      add_char_member (builder, "expected", check->expected);
      add_char_member (builder, "found", check->found);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, check->ok);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "corrections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < mrz->corrections->len; i++)
    {
      const PdMrzCorrection *c = &g_array_index (mrz->corrections, PdMrzCorrection, i);

      json_builder_begin_object (builder);
      pd_cli_add_string_member (builder, "check", c->check);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, c->line);
      json_builder_set_member_name (builder, "column");
      json_builder_add_int_value (builder, c->column);
      add_char_member (builder, "found", c->found);
      add_char_member (builder, "replacement", c->replacement);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_declaration (JsonBuilder           *builder,
                 const PdDeclarationQr *qr)
{
  pd_cli_add_string_member (builder, "key_id", qr->key_id);
  json_builder_set_member_name (builder, "signed_at");
  json_builder_add_int_value (builder, qr->signed_at);
  json_builder_set_member_name (builder, "unknown_fields");
  json_builder_add_int_value (builder, qr->n_unknown_fields);
  json_builder_set_member_name (builder, "dossier");
  json_builder_add_value (builder, pd_dossier_to_json (qr->dossier, TRUE));
}

static JsonNode *
scan_to_json (PdScanKind    kind,
              const PdScan *scan,
              const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  pd_cli_add_string_member (builder, "kind", pd_scan_kind_to_string (kind));
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, scan != NULL && pd_scan_is_valid (scan));
  pd_cli_add_string_member (builder, "error", error ? error->message : NULL);

  if (scan != NULL)
    switch (scan->kind)
      {
      case PD_SCAN_KIND_DECLARATION_CODE:
        pd_cli_add_string_member (builder, "code", scan->declaration_code);
        pd_cli_add_string_member (builder, "office", scan->office);
        break;
      case PD_SCAN_KIND_DECLARATION_QR:
        add_declaration (builder, scan->declaration);
        break;
      case PD_SCAN_KIND_CCCD:
        add_cccd (builder, scan->cccd);
        break;
      case PD_SCAN_KIND_MRZ:
        add_mrz (builder, scan->mrz);
        break;
      case PD_SCAN_KIND_UNKNOWN:
      default:
        break;
      }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The store's trusted keys when the database exists, else the demo key alone (if any). */
static GHashTable *
load_trusted_keys (PdCli   *cli,
                   GError **error)
{
  GHashTable *keys;
  g_autofree char *demo_id = NULL;
  GBytes *demo_key;

  if (g_file_test (cli->db_path, G_FILE_TEST_EXISTS))
    {
      if (pd_cli_open_store (cli) != PD_CLI_EXIT_OK)
        return NULL;
      return pd_declaration_keys_load (cli->store, error);
    }

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  demo_key = pd_declaration_keys_get_demo (&demo_id, NULL);
  if (demo_key != NULL)
    g_hash_table_insert (keys, g_steal_pointer (&demo_id), demo_key);
  return keys;
}

static PdCliExit
run_parse (PdCli *cli)
{
  const char *what = cli->args[0];
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) scan = NULL;
  PdScanKind kind;
  GDate today;

  if (g_str_equal (what, "mrz"))
    text = g_strjoinv ("\n", cli->args + 1);
  else if (cli->n_args == 2)
    text = g_strdup (cli->args[1]);
  else
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Give the scanned text as one argument, in quotes. Only an MRZ may take its lines as "
                          "separate arguments."));

  if (g_str_equal (what, "cccd"))
    kind = PD_SCAN_KIND_CCCD;
  else if (g_str_equal (what, "mrz"))
    kind = PD_SCAN_KIND_MRZ;
  else if (g_str_equal (what, "declaration"))
    kind = pd_scan_classify (text, -1) == PD_SCAN_KIND_DECLARATION_QR
           ? PD_SCAN_KIND_DECLARATION_QR : PD_SCAN_KIND_DECLARATION_CODE;
  else if (g_str_equal (what, "any"))
    kind = pd_scan_classify (text, -1);
  else
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Unknown kind “%s”: use cccd, mrz, declaration or any."), what);

  if (kind == PD_SCAN_KIND_DECLARATION_QR)
    {
      keys = load_trusted_keys (cli, &error);
      if (keys == NULL)
        return error ? pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message) : PD_CLI_EXIT_UNUSABLE;
    }

  pd_date_set_today (&today);
  scan = pd_scan_read (text, -1, kind, keys, &today, &error);
  if (scan == NULL && !pd_scan_error_is_check (error))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  pd_cli_print_json (scan_to_json (kind, scan, error));
  if (scan == NULL)
    return pd_cli_fail (PD_CLI_EXIT_INVALID, "%s", error->message);
  if (!pd_scan_is_valid (scan))
    return pd_cli_fail (PD_CLI_EXIT_INVALID, "%s",
                        _("A check digit of the MRZ does not match: scan the document again, or compare "
                          "the printed lines with what was read."));
  return PD_CLI_EXIT_OK;
}

const PdCliCommand pd_cli_command_parse = {
  .name = "parse",
  .parameters = N_("cccd|mrz|declaration|any TEXT…"),
  .summary = N_("Read a scanned ID card QR code, MRZ or declaration and print it as JSON"),
  .min_args = 2,
  .max_args = 4,
  .flags = PD_CLI_FLAGS_NO_STORE,
  .run = run_parse,
};
