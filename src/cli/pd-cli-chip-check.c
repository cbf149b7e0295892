/* pd-cli-chip-check.c: `passdesk-cli chip-check FOLDER`, a chip's files (one per FID, as a dump
 * or the emulator keeps them) parsed and passively authenticated.
 *
 * Exit codes: 0 genuine, 1 not verifiable or altered (the outcome says which), 2 the folder,
 * a file in it or a CSCA file cannot be read.
 */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "pd-chip-document.h"
#include "pd-cli.h"

static char **csca_paths;

static const GOptionEntry chip_check_entries[] = {
  { "csca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &csca_paths,
    N_("A CSCA certificate file or folder to trust besides the installed ones (repeatable)"), N_("PATH") },
  { NULL }
};

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

static PdCliExit
run_chip_check (PdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(PdChipDocument) document = NULL;
  g_autoptr(PdChipTrust) trust = NULL;
  g_autoptr(PdChipPaResult) result = NULL;
  const PdChipDg1 *dg1;
  const PdChipDg13 *dg13;

  files = pd_chip_files_load_folder (cli->args[0], &error);
  if (files == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  document = pd_chip_document_new (files, &error);
  if (document == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  trust = pd_chip_trust_new_default (&error);
  if (trust == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  for (guint i = 0; csca_paths != NULL && csca_paths[i] != NULL; i++)
    if (!pd_chip_trust_add_path (trust, csca_paths[i], &error))
      return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  result = pd_chip_document_authenticate (document, trust);
  if (cli->json)
    {
      g_autofree char *json = pd_chip_document_to_json (document, result);

      pd_cli_print_json (json_from_string (json, NULL));
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

const PdCliCommand pd_cli_command_chip_check = {
  .name = "chip-check",
  .parameters = N_("FOLDER"),
  .summary = N_("Read a chip's files from a folder and check them (passive authentication)"),
  .min_args = 1,
  .max_args = 1,
  .flags = PD_CLI_FLAGS_NO_STORE,
  .entries = chip_check_entries,
  .run = run_chip_check,
};
