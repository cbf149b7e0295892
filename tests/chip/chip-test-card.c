/* chip-test-card.c: a private pcscd (vpcd driver) and the pd-vcard test chip. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <PCSC/winscard.h>

#include "chip-test-card.h"

#define VPCD_DRIVER "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"

/* Children die with the test, even one that fails an assertion. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (char **argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  return process;
}

/* A port such that it and the next are free (vpcd opens two slots). */
static guint16
free_port_pair (void)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      guint16 port = 20000 + g_random_int_range (0, 40000);
      gboolean ok = TRUE;

      for (guint i = 0; i < 2 && ok; i++)
        {
          g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                    G_SOCKET_PROTOCOL_TCP, NULL);
          g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
          g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, port + i);

          ok = socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
        }
      if (ok)
        return port;
    }
  g_error ("no free TCP port for vpcd");
}

static GSubprocess *
spawn_pcscd (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* Up to 5 s for pcscd's socket; FALSE at once when pcscd (or unshare) has ended. */
static gboolean
wait_for_socket (ChipTestCard *run)
{
  for (guint i = 0; i < 200; i++)
    {
      if (g_file_test (run->socket_path, G_FILE_TEST_EXISTS))
        return TRUE;
      if (g_subprocess_get_identifier (run->pcscd) == NULL)
        return FALSE;
      g_usleep (25000);
    }
  return FALSE;
}

ChipTestCard *
chip_test_card_start_pcscd (char **skip_reason)
{
  g_autofree char *pcscd = g_find_program_in_path ("pcscd");
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *conf_dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *run_dir = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  ChipTestCard *run;

  if (pcscd == NULL && g_file_test ("/usr/sbin/pcscd", G_FILE_TEST_IS_EXECUTABLE))
    pcscd = g_strdup ("/usr/sbin/pcscd");
  if (pcscd == NULL || !g_file_test (VPCD_DRIVER, G_FILE_TEST_EXISTS))
    {
      *skip_reason = g_strdup ("pcscd or the vpcd driver (vsmartcard-vpcd) is not installed");
      return NULL;
    }
  if (unshare == NULL)
    {
      *skip_reason = g_strdup ("unshare (util-linux) is not installed");
      return NULL;
    }

  run = g_new0 (ChipTestCard, 1);
  run->dir = g_dir_make_tmp ("passdesk-chip-XXXXXX", &error);
  g_assert_no_error (error);
  run->port = free_port_pair ();
  conf_dir = g_build_filename (run->dir, "reader.conf.d", NULL);
  run_dir = g_build_filename (run->dir, "run", NULL);
  g_mkdir (conf_dir, 0700);
  g_mkdir (run_dir, 0755);
  conf = g_strdup_printf ("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x%X\n"
                          "LIBPATH %s\nCHANNELID 0x%X\n", run->port, VPCD_DRIVER, run->port);
  {
    g_autofree char *path = g_build_filename (conf_dir, "vpcd", NULL);

    g_file_set_contents (path, conf, -1, &error);
    g_assert_no_error (error);
  }
  run->socket_path = g_build_filename (run_dir, "pcscd.comm", NULL);
  g_setenv ("PCSCLITE_CSOCK_NAME", run->socket_path, TRUE);

  /* pcsc-lite 1.9.9's daemon ignores PCSCLITE_CSOCK_NAME: its socket and pid file are always in
   * /run/pcscd, which it also empties when it ends. In a private mount namespace the test's
   * folder stands in for /run/pcscd, so that the machine's own pcscd, and other tests' ones,
   * are left alone. */
  script = g_strdup_printf ("mkdir -p /run/pcscd && mount --bind '%s' /run/pcscd && "
                            "exec '%s' --foreground --config '%s'", run_dir, pcscd, conf_dir);
  run->pcscd = spawn_pcscd ((const char * const[]) { unshare, "--mount", "--propagation", "private",
                                                     "/bin/sh", "-c", script, NULL });
  if (!wait_for_socket (run))
    {
      /* A chroot whose root is not a mount point (a bare system made with debootstrap) refuses
       * a private mount namespace. As root, with no pcscd of the machine's own, the test's
       * pcscd may take /run/pcscd itself: nothing else uses it there. */
      g_subprocess_force_exit (run->pcscd);
      g_clear_object (&run->pcscd);
      if (geteuid () != 0 || g_file_test ("/run/pcscd/pcscd.comm", G_FILE_TEST_EXISTS))
        {
          *skip_reason = g_strdup ("pcscd did not start in a private mount namespace "
                                   "(needs root or user namespaces), and /run/pcscd is taken");
          chip_test_card_stop (run);
          return NULL;
        }
      g_mkdir_with_parents ("/run/pcscd", 0755);
      g_free (run->socket_path);
      run->socket_path = g_strdup ("/run/pcscd/pcscd.comm");
      g_setenv ("PCSCLITE_CSOCK_NAME", run->socket_path, TRUE);
      run->pcscd = spawn_pcscd ((const char * const[]) { pcscd, "--foreground", "--config", conf_dir,
                                                         NULL });
      if (!wait_for_socket (run))
        {
          *skip_reason = g_strdup ("pcscd did not start");
          chip_test_card_stop (run);
          return NULL;
        }
    }
  return run;
}

void
chip_test_card_insert (ChipTestCard *run,
                       const char   *files_dir,
                       const char   *mrz_info,
                       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *vcard = g_getenv ("PD_VCARD");
  va_list args;
  const char *arg;

  chip_test_card_remove (run);
  g_assert_nonnull (vcard);
  g_ptr_array_add (argv, g_strdup (vcard));
  g_ptr_array_add (argv, g_strdup_printf ("--port=%u", run->port));
  g_ptr_array_add (argv, g_strdup_printf ("--files=%s", files_dir));
  g_ptr_array_add (argv, g_strdup_printf ("--mrz-info=%s", mrz_info));
  /* PD_VCARD_VERBOSE=1 logs every APDU on stderr, for debugging a reading. */
  if (g_getenv ("PD_VCARD_VERBOSE") == NULL)
    g_ptr_array_add (argv, g_strdup ("--quiet"));
  va_start (args, mrz_info);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run->card = spawn ((char **) argv->pdata);
}

/* Waits until pcscd has seen the card leave the first slot, so that the next card is a new
 * one to it (pcscd polls vpcd's slots). */
static void
wait_slot_empty (void)
{
  SCARDCONTEXT context;
  SCARD_READERSTATE state = { .szReader = "Virtual PCD 00 00", .dwCurrentState = SCARD_STATE_UNAWARE };

  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context) != SCARD_S_SUCCESS)
    return;
  for (guint i = 0; i < 50; i++)
    {
      if (SCardGetStatusChange (context, 100, &state, 1) == SCARD_S_SUCCESS &&
          (state.dwEventState & SCARD_STATE_EMPTY))
        break;
      state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
    }
  SCardReleaseContext (context);
}

void
chip_test_card_remove (ChipTestCard *run)
{
  if (run->card == NULL)
    return;
  g_subprocess_force_exit (run->card);
  g_subprocess_wait (run->card, NULL, NULL);
  g_clear_object (&run->card);
  wait_slot_empty ();
}

void
chip_test_card_stop (ChipTestCard *run)
{
  chip_test_card_remove (run);
  if (run->pcscd != NULL)
    {
      g_subprocess_send_signal (run->pcscd, SIGTERM);
      g_subprocess_wait (run->pcscd, NULL, NULL);
      g_clear_object (&run->pcscd);
    }
  if (run->dir != NULL)
    {
      g_autofree char *argv_dir = g_strdup (run->dir);
      const char *argv[] = { "rm", "-rf", argv_dir, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  g_free (run->dir);
  g_free (run->socket_path);
  g_free (run);
}

static void
write_tlv (const char *dir,
           const char *name,
           guint8      tag,
           gsize       size)
{
  g_autoptr(GByteArray) file = g_byte_array_new ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  guint8 header[4] = { tag, 0x82, size >> 8, size & 0xFF };

  g_byte_array_append (file, header, 4);
  for (gsize i = 0; i < size; i++)
    {
      guint8 b = g_random_int ();

      g_byte_array_append (file, &b, 1);
    }
  g_file_set_contents (path, (const char *) file->data, file->len, &error);
  g_assert_no_error (error);
}

char *
chip_test_card_make_files (const char *parent,
                           const char *name,
                           gsize       dg2_size)
{
  static const guint8 com[] = { 0x60, 0x15, 0x5F, 0x01, 0x04, '0', '1', '0', '7',
                                0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0',
                                0x5C, 0x03, 0x61, 0x75, 0x6D };
  /* A SET with one PACEInfo: id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, standardized domain
   * parameters 13 (brainpoolP256r1). pd-vcard serves PACE with it when given --pace. */
  static const guint8 card_access[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F,
                                        0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01,
                                        0x02, 0x02, 0x01, 0x0D };
  char *dir = g_build_filename (parent, name, NULL);
  g_autofree char *com_path = g_build_filename (dir, "011E", NULL);
  g_autofree char *access_path = g_build_filename (dir, "011C", NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (com_path, (const char *) com, sizeof com, &error);
  g_assert_no_error (error);
  g_file_set_contents (access_path, (const char *) card_access, sizeof card_access, &error);
  g_assert_no_error (error);
  write_tlv (dir, "0101", 0x61, 91);
  write_tlv (dir, "0102", 0x75, dg2_size - 4);
  write_tlv (dir, "010D", 0x6D, 600);
  write_tlv (dir, "011D", 0x77, 2048 - 4);
  return dir;
}
