/* pd-chip-trust.c: CSCA certificates from files and folders into an OpenSSL X509_STORE.
 * Vietnam's CSCA is not known to be published, so the store is whatever the office installs
 * or the central system sends; nothing is trusted by default. */
#define G_LOG_DOMAIN "pd-chip-trust"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "pd-chip-openssl-private.h"
#include "pd-chip-trust-private.h"
#include "pd-tlv.h"

/* A CSCA certificate is a few kilobytes; a bundle of every country's is well under this. */
#define MAX_CERTIFICATE_FILE (4 * 1024 * 1024)

struct _PdChipTrust
{
  GObject     parent_instance;
  X509_STORE *store;
  guint       n_certificates;
};

G_DEFINE_FINAL_TYPE (PdChipTrust, pd_chip_trust, G_TYPE_OBJECT)

static void
pd_chip_trust_finalize (GObject *object)
{
  PdChipTrust *self = PD_CHIP_TRUST (object);

  g_clear_pointer (&self->store, X509_STORE_free);
  G_OBJECT_CLASS (pd_chip_trust_parent_class)->finalize (object);
}

static void
pd_chip_trust_class_init (PdChipTrustClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_chip_trust_finalize;
}

static void
pd_chip_trust_init (PdChipTrust *self)
{
  self->store = X509_STORE_new ();
}

PdChipTrust *
pd_chip_trust_new (void)
{
  return g_object_new (PD_TYPE_CHIP_TRUST, NULL);
}

const char *
pd_chip_trust_default_directory (void)
{
  static char *directory;

  if (g_once_init_enter (&directory))
    {
      const char *env = g_getenv ("PASSDESK_DATA_DIR");
      char *found;

      if (env != NULL && *env != '\0')
        found = g_build_filename (env, "csca", NULL);
      else if (g_file_test (PKGDATADIR "/csca", G_FILE_TEST_IS_DIR))
        found = g_strdup (PKGDATADIR "/csca");
      else
        found = g_strdup (SOURCE_DATADIR "/csca");
      g_once_init_leave (&directory, found);
    }
  return directory;
}

PdChipTrust *
pd_chip_trust_new_default (GError **error)
{
  g_autoptr(PdChipTrust) trust = pd_chip_trust_new ();
  const char *directories[] = { pd_chip_trust_default_directory (), NULL };

  if (!pd_chip_trust_add_directories (trust, directories, error))
    return NULL;
  return g_steal_pointer (&trust);
}

guint
pd_chip_trust_get_n_certificates (PdChipTrust *trust)
{
  g_return_val_if_fail (PD_IS_CHIP_TRUST (trust), 0);

  return trust->n_certificates;
}

X509_STORE *
pd_chip_trust_get_store (PdChipTrust *trust)
{
  return trust->store;
}

static gboolean
unreadable (const char *path,
            GError    **error)
{
  ERR_clear_error ();
  /* Translators: %s is a file name. */
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_TRUST_STORE,
               _("“%s” holds no CSCA certificate Passdesk can read. "
                 "Give a certificate file in PEM or DER form, or a folder of them."), path);
  return FALSE;
}

static gboolean
add_certificate (PdChipTrust *trust,
                 X509        *certificate)
{
  if (!X509_STORE_add_cert (trust->store, certificate))
    return FALSE;
  trust->n_certificates++;
  return TRUE;
}

static gboolean
add_file (PdChipTrust *trust,
          const char  *path,
          GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint added = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  if (length > MAX_CERTIFICATE_FILE)
    return unreadable (path, error);

  if (g_strstr_len (contents, MIN (length, 4096), "-----BEGIN") != NULL)
    {
      g_autoptr(BIO) bio = BIO_new_mem_buf (contents, length);
      X509 *read;

      while ((read = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
        {
          g_autoptr(X509) certificate = read;

          if (!add_certificate (trust, certificate))
            return unreadable (path, error);
          added++;
        }
    }
  else
    {
      const unsigned char *p = (const unsigned char *) contents;
      g_autoptr(X509) certificate = d2i_X509 (NULL, &p, length);

      if (certificate != NULL && p == (const unsigned char *) contents + length &&
          add_certificate (trust, certificate))
        added++;
    }
  ERR_clear_error ();
  if (added == 0)
    return unreadable (path, error);
  return TRUE;
}

static gboolean
is_certificate_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".pem") || g_str_has_suffix (lower, ".crt") ||
         g_str_has_suffix (lower, ".cer") || g_str_has_suffix (lower, ".der");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
pd_chip_trust_add_path (PdChipTrust *trust,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  g_return_val_if_fail (PD_IS_CHIP_TRUST (trust), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return add_file (trust, path, error);

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  /* Sorted, so that a folder always loads the same way. */
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_certificate_name (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);

      if (!add_file (trust, file, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pd_chip_trust_add_directories (PdChipTrust         *trust,
                               const char * const  *directories,
                               GError             **error)
{
  g_return_val_if_fail (PD_IS_CHIP_TRUST (trust), FALSE);

  for (guint i = 0; directories != NULL && directories[i] != NULL; i++)
    if (g_file_test (directories[i], G_FILE_TEST_IS_DIR) &&
        !pd_chip_trust_add_path (trust, directories[i], error))
      return FALSE;
  return TRUE;
}
