/* pd-cli-chip.c: `passdesk-cli chip read`, an ID card's or passport's chip read through PC/SC,
 * and `chip check FOLDER`, a chip's files kept in a folder: parsed and passively authenticated.
 *
 * Exit codes: 0 genuine, 1 not verifiable or altered (the outcome says which), 2 no reader, no
 * card, the card refused the key, or the chip, a folder or a CSCA file could not be read.
 */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "pd-cli.h"
#include "pd-dossier.h"
#include "chip/pd-chip-session.h"
#include "chip/pd-chip-document.h"

static char *reader_name;
static char *id_number;
static char *birth_text;
static char *expiry_text;
static char *mrz_text;
static char *can_text;
static char *dump_dir;
static char *photo_out;
static char **csca_paths;
static int timeout_seconds = 20;

static const GOptionEntry chip_entries[] = {
  { "reader", 0, 0, G_OPTION_ARG_STRING, &reader_name,
    N_("The card reader to use (default: the first with a card)"), N_("NAME") },
  { "id-number", 0, 0, G_OPTION_ARG_STRING, &id_number,
    N_("An ID card's (CCCD) 12-digit number, for the chip's key"), N_("NUMBER") },
  { "birth", 0, 0, G_OPTION_ARG_STRING, &birth_text,
    N_("With --id-number: the date of birth"), N_("YYYY-MM-DD") },
  { "expiry", 0, 0, G_OPTION_ARG_STRING, &expiry_text,
    N_("With --id-number: the expiry date"), N_("YYYY-MM-DD") },
  { "mrz", 0, 0, G_OPTION_ARG_STRING, &mrz_text,
    N_("The document's MRZ lines (new lines or spaces between them), for the chip's key"), N_("LINES") },
  { "can", 0, 0, G_OPTION_ARG_STRING, &can_text,
    N_("The card access number, 6 digits (a CCCD's: the last 6 of its ID number), for PACE"), N_("N") },
  { "dump", 0, 0, G_OPTION_ARG_FILENAME, &dump_dir,
    N_("Write the chip's files to this folder, one per file named by its hex FID"), N_("DIR") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_seconds,
    N_("How long to wait for a card, in seconds (default 20)"), N_("SECONDS") },
  { "csca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &csca_paths,
    N_("A CSCA certificate file or folder to trust besides the installed ones (repeatable)"), N_("PATH") },
  { "photo-out", 0, 0, G_OPTION_ARG_FILENAME, &photo_out,
    N_("Write the chip's face image to this file, as the chip holds it (JPEG or JPEG 2000)"), N_("FILE") },
  { NULL }
};

static PdChipBacKey *
key_from_options (GError **error)
{
  GDate birth, expiry;

  if ((mrz_text != NULL) + (id_number != NULL) + (can_text != NULL) != 1)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("Give the chip's key one way: with --mrz, with --id-number, "
                             "--birth and --expiry, or with --can."));
      return NULL;
    }
  if (can_text != NULL)
    return pd_chip_bac_key_new_for_can (can_text, error);
  if (mrz_text != NULL)
    return pd_chip_bac_key_new_from_mrz (mrz_text, error);
  if (birth_text == NULL || expiry_text == NULL ||
      !pd_parse_iso_date (birth_text, &birth) || !pd_parse_iso_date (expiry_text, &expiry))
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("With --id-number, give --birth and --expiry as YYYY-MM-DD."));
      return NULL;
    }
  return pd_chip_bac_key_new_for_cccd (id_number, &birth, &expiry, error);
}

static void
print_progress (guint64  done,
                guint64  total,
                gpointer user_data)
{
  g_printerr ("\r");
  g_printerr (_("Reading the chip: %u%%"), total > 0 ? (guint) (done * 100 / total) : 0);
}

/* `chip read`: the chip's files (FID → GBytes, see pd-chip-session.h) read with the key and
 * reader the command's options give; NULL and a PD_CHIP_ERROR (exit code 2) otherwise. */
static GHashTable *
read_files (PdChipAccess  *access,
            GError       **error)
{
  g_autoptr(PdChipBacKey) key = key_from_options (error);
  g_autoptr(PdChipReader) reader = NULL;
  g_autofree char *name = NULL;
  GHashTable *files;
  gboolean show_progress = isatty (2);

  if (key == NULL)
    return NULL;
  if (timeout_seconds <= 0 || timeout_seconds > 3600)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                           _("Give --timeout in seconds, between 1 and 3600."));
      return NULL;
    }
  /* A command has nothing else to do meanwhile: the blocking calls, in this thread. (With
   * pd_chip_read_async() the worker's last reference could release the PC/SC context while
   * the process exits, which crashes pcsc-lite's client.) */
  reader = pd_chip_reader_new (error);
  if (reader == NULL)
    return NULL;
  name = pd_chip_reader_wait_card (reader, reader_name, (guint) timeout_seconds * 1000, NULL, error);
  if (name == NULL || !pd_chip_reader_connect (reader, name, error))
    return NULL;
  files = pd_chip_read_files (reader, key, show_progress ? print_progress : NULL, NULL, NULL,
                              access, error);
  pd_chip_reader_disconnect (reader);
  if (show_progress)
    g_printerr ("\n");
  return files;
}

static int
compare_fids (gconstpointer a,
              gconstpointer b)
{
  guint fa = GPOINTER_TO_UINT (a), fb = GPOINTER_TO_UINT (b);

  return fa < fb ? -1 : fa > fb;
}

static const char *
outcome_headline (PdChipPaOutcome outcome)
{
  switch (outcome)
    {
    case PD_CHIP_PA_GENUINE: return _("GENUINE");
    case PD_CHIP_PA_NOT_VERIFIABLE: return _("NOT VERIFIABLE");
    case PD_CHIP_PA_ALTERED: return _("ALTERED");
    default: g_return_val_if_reached (_("ALTERED"));
    }
}

/* The files parsed, the face written on request, passive authentication against the installed
 * CSCAs and --csca, and the outcome printed: what the exit code says. @access names how the
 * chip was opened ("pace" or "bac"; NULL for a folder). */
static PdCliExit
report_document (PdCli      *cli,
                 GHashTable *files,
                 const char *access)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipDocument) document = NULL;
  g_autoptr(PdChipTrust) trust = NULL;
  g_autoptr(PdChipPaResult) result = NULL;
  const PdChipDg1 *dg1;
  const PdChipDg2 *dg2;
  const PdChipDg13 *dg13;

  document = pd_chip_document_new (files, &error);
  if (document == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  trust = pd_chip_trust_new_default (&error);
  if (trust == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  for (guint i = 0; csca_paths != NULL && csca_paths[i] != NULL; i++)
    if (!pd_chip_trust_add_path (trust, csca_paths[i], &error))
      return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  dg2 = pd_chip_document_get_dg2 (document);
  if (photo_out != NULL)
    {
      if (dg2 == NULL)
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("The chip holds no face image (DG2) to write."));
      if (!g_file_set_contents (photo_out, g_bytes_get_data (dg2->image, NULL),
                                (gssize) g_bytes_get_size (dg2->image), &error))
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Cannot write the face image: %s"), error->message);
    }

  result = pd_chip_document_authenticate (document, trust);
  if (cli->json)
    {
      g_autofree char *json = pd_chip_document_to_json (document, result);
      JsonNode *root = json_from_string (json, NULL);

      if (access != NULL)
        json_object_set_string_member (json_node_get_object (root), "access", access);
      pd_cli_print_json (root);
    }
  else
    {
      dg1 = pd_chip_document_get_dg1 (document);
      dg13 = pd_chip_document_get_dg13 (document);
      printf ("%s\n%s\n", outcome_headline (result->outcome), result->detail);
      /* Translators: the document's number and holder's name as read from the chip. */
      printf (_("Document %s, %s\n"), dg1->mrz->document_number != NULL ? dg1->mrz->document_number : "",
              dg13 != NULL && dg13->full_name != NULL ? dg13->full_name : dg1->mrz->surname);
    }
  return result->outcome == PD_CHIP_PA_GENUINE ? PD_CLI_EXIT_OK : PD_CLI_EXIT_INVALID;
}

static PdCliExit
run_chip (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GList) fids = NULL;
  PdChipAccess access = PD_CHIP_ACCESS_BAC;

  if (g_str_equal (cli->args[0], "check"))
    {
      if (cli->n_args != 2)
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Say which folder to check: chip check FOLDER."));
      files = pd_chip_files_load_folder (cli->args[1], &error);
      if (files == NULL)
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
      return report_document (cli, files, NULL);
    }
  if (!g_str_equal (cli->args[0], "read") || cli->n_args != 1)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Unknown chip action “%s”: use “read” or “check FOLDER”."),
                        cli->args[0]);

  files = read_files (&access, &error);
  if (files == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  if (dump_dir != NULL)
    {
      if (!pd_chip_files_save_folder (files, dump_dir, &error))
        return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Cannot write the chip's files: %s"), error->message);
      fids = g_list_sort (g_hash_table_get_keys (files), compare_fids);
      for (GList *l = fids; l != NULL; l = l->next)
        g_printerr ("%04X %zu\n", GPOINTER_TO_UINT (l->data),
                    g_bytes_get_size (g_hash_table_lookup (files, l->data)));
    }
  return report_document (cli, files, access == PD_CHIP_ACCESS_PACE ? "pace" : "bac");
}

const PdCliCommand pd_cli_command_chip = {
  .name = "chip",
  .parameters = N_("read | check FOLDER"),
  .summary = N_("Read an ID card's or passport's chip through a card reader, or check a chip's files kept in a folder (passive authentication)"),
  .min_args = 1,
  .max_args = 2,
  .flags = PD_CLI_FLAGS_NO_STORE,
  .entries = chip_entries,
  .run = run_chip,
};
