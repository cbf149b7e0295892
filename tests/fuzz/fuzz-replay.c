/* fuzz-replay.c: runs a fuzz target over every file of the corpus directories given. */
#include "config.h"

#include <glib.h>

#include "fuzz-target.h"

static guint
replay_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *contents = NULL;
  const char *name;
  gsize length;
  guint n = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (!g_file_get_contents (path, &contents, &length, &error))
        g_error ("%s", error->message);
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
      return 1;
    }

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      n += replay_path (child);
    }
  return n;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s CORPUS-DIRECTORY-OR-FILE...\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    n += replay_path (argv[i]);
  /* A corpus that went missing must not pass as a clean run. */
  if (n == 0)
    {
      g_printerr ("No input found in the corpus\n");
      return 1;
    }
  g_print ("%u inputs replayed\n", n);
  return 0;
}
