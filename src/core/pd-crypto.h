/* pd-crypto.h: the keys of a store and what is done with them.
 *
 * One 32-byte master key (kept in the keyring) gives, through crypto_kdf, a sealing key
 * (XChaCha20-Poly1305 for personal data), a blind-index key (keyed BLAKE2b for lookups
 * without clear text), an audit key (keyed BLAKE2b chaining the audit log) and a check
 * value that tells a wrong master key from a right one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PD_CRYPTO_MASTER_KEY_BYTES 32
#define PD_CRYPTO_HASH_BYTES       32

typedef struct _PdCryptoKeys PdCryptoKeys;

#define PD_CRYPTO_ERROR (pd_crypto_error_quark ())
typedef enum {
  PD_CRYPTO_ERROR_FAILED,   /* a sealed blob does not open: wrong key, altered, or moved */
} PdCryptoError;
GQuark        pd_crypto_error_quark      (void);

/* A new random master key, in locked memory; free with pd_crypto_master_key_free(). */
guint8       *pd_crypto_master_key_new   (void);
void          pd_crypto_master_key_free  (guint8        *master);

PdCryptoKeys *pd_crypto_keys_new         (const guint8  *master,
                                          gsize          length);
void          pd_crypto_keys_free        (PdCryptoKeys  *keys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCryptoKeys, pd_crypto_keys_free)

/* Lower-case hex of a value derived from the master key; stored next to the data. */
char         *pd_crypto_keys_get_check   (PdCryptoKeys  *keys);

/* Returns nonce || ciphertext || tag; @ad (associated data, e.g. the dossier uuid) must be
 * given again to open it. */
GBytes       *pd_crypto_seal             (PdCryptoKeys  *keys,
                                          const void    *plain,
                                          gsize          length,
                                          const char    *ad);
GBytes       *pd_crypto_open             (PdCryptoKeys  *keys,
                                          const void    *sealed,
                                          gsize          length,
                                          const char    *ad,
                                          GError       **error);

/* A 64-bit keyed hash of @text in the namespace @domain ("id", "name", ...), for an
 * INTEGER index column. Equal inputs give equal values; nothing else can be learnt. */
gint64        pd_crypto_blind_index      (PdCryptoKeys  *keys,
                                          const char    *domain,
                                          const char    *text);

/* One link of the audit chain: keyed hash over the previous link and the row's fields,
 * any of which may be NULL. */
void          pd_crypto_audit_hash       (PdCryptoKeys  *keys,
                                          const guint8  *previous,
                                          gint64         seq,
                                          gint64         at,
                                          const char    *actor,
                                          const char    *action,
                                          const char    *subject,
                                          const char    *detail,
                                          guint8         out[PD_CRYPTO_HASH_BYTES]);

/* A keyed hash (the audit key, its own domain) of a setting's @name and @value, so that a
 * setting edited in the file without the keyring's key shows. */
void          pd_crypto_setting_mac      (PdCryptoKeys  *keys,
                                          const char    *name,
                                          const char    *value,
                                          guint8         out[PD_CRYPTO_HASH_BYTES]);

G_END_DECLS
