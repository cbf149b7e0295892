/* passdesk-cli.c: the command line over the Passdesk store, for scripts and support. */
#define G_LOG_DOMAIN "passdesk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-cli.h"
#include "pd-core.h"

static const PdCliCommand *commands[] = {
  &pd_cli_command_init,
  &pd_cli_command_add,
  &pd_cli_command_show,
  &pd_cli_command_search,
  &pd_cli_command_list,
  &pd_cli_command_set_status,
  &pd_cli_command_stats,
  &pd_cli_command_audit,
  &pd_cli_command_purge,
  &pd_cli_command_demo_data,
  &pd_cli_command_enroll,
  &pd_cli_command_sign_in,
  &pd_cli_command_accept,
  &pd_cli_command_sync,
  &pd_cli_command_export_outbox,
  &pd_cli_command_import_outbox,
  &pd_cli_command_outbox,
  &pd_cli_command_parse,
  &pd_cli_command_photo,
  &pd_cli_command_print,
  &pd_cli_command_queue,
  &pd_cli_command_chip,
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "\n  %-11s %s", commands[i]->name, _(commands[i]->summary));
  g_string_append (text, "\n\n");
  g_string_append (text, _("Run “passdesk-cli COMMAND --help” for the options of a command."));
  return g_string_free (text, FALSE);
}

static PdCliExit
run_without_command (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_autoptr(GError) error = NULL;
  g_autofree char *description = describe_commands ();
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Work with the local Passdesk database of passport applications."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("%s. Run “passdesk-cli --help” for the usage."),
                        error->message);

  if (version)
    {
      g_print ("passdesk-cli %s\n", PACKAGE_VERSION);
      return PD_CLI_EXIT_OK;
    }
  return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                      _("Name a command. Run “passdesk-cli --help” for the list of commands."));
}

static PdCliExit
run_command (const PdCliCommand  *command,
             int                  argc,
             char               **argv)
{
  g_autofree char *parameters = g_strdup_printf ("%s %s", command->name,
                                                 command->parameters ? _(command->parameters) : "");
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  PdCli cli = { .command = command };
  PdCliExit status;
  const GOptionEntry common_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli.db_path,
      N_("The database file (default: passdesk/passdesk.db in your data folder)"), N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
      N_("Print the result as JSON on standard output"), NULL },
    { NULL }
  };
  const GOptionEntry actor_entries[] = {
    { "actor", 0, 0, G_OPTION_ARG_STRING, &cli.actor,
      N_("The name recorded in the audit log (default: your user name)"), N_("NAME") },
    { NULL }
  };

  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  if (command->flags & PD_CLI_FLAGS_WRITES)
    g_option_context_add_main_entries (context, actor_entries, GETTEXT_PACKAGE);
  if (command->entries != NULL)
    g_option_context_add_main_entries (context, command->entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("%s. Run “passdesk-cli %s --help” for the usage."),
                          error->message, command->name);
  else if ((guint) argc - 1 < command->min_args || (guint) argc - 1 > command->max_args)
    status = pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                          _("Wrong arguments for “%s”: expected “%s”. Run “passdesk-cli %s --help” for the usage."),
                          command->name, parameters, command->name);
  else
    {
      cli.args = argv + 1;
      cli.n_args = argc - 1;
      if (cli.db_path == NULL)
        cli.db_path = pd_cli_get_default_db_path ();
      if (cli.actor == NULL)
        cli.actor = g_strdup (g_get_user_name ());

      status = (command->flags & PD_CLI_FLAGS_NO_STORE) ? PD_CLI_EXIT_OK : pd_cli_open_store (&cli);
      if (status == PD_CLI_EXIT_OK)
        status = command->run (&cli);
    }

  if (cli.store != NULL)
    pd_store_close (cli.store);
  g_clear_object (&cli.store);
  g_free (cli.db_path);
  g_free (cli.actor);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  gboolean core_ready;

  g_set_prgname ("passdesk-cli");
  core_ready = pd_core_init ();
  textdomain (GETTEXT_PACKAGE);
  if (!core_ready)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Cannot start the cryptography library: the system has no source of random numbers."));

  if (argc < 2 || argv[1][0] == '-')
    return run_without_command (argc, argv);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i]->name))
      return run_command (commands[i], argc - 1, argv + 1);

  return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                      _("Unknown command “%s”. Run “passdesk-cli --help” for the list of commands."),
                      argv[1]);
}
