/* chip-test-card.h: a private pcscd with the vpcd driver, and the test chip (pd-vcard) on it,
 * for the tests and the benchmark of chip reading. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char        *dir;         /* the run's temporary folder */
  char        *socket_path; /* PCSCLITE_CSOCK_NAME for clients */
  guint16      port;        /* vpcd's first slot */
  GSubprocess *pcscd;
  GSubprocess *card;
} ChipTestCard;

/* NULL and *@skip_reason set when pcscd, the vpcd driver or a private mount namespace (to put
 * pcscd's fixed /run/pcscd in the test's folder) are not available. Sets PCSCLITE_CSOCK_NAME
 * in this process's environment. */
ChipTestCard *chip_test_card_start_pcscd (char        **skip_reason);
/* Starts pd-vcard with @files_dir, @mrz_info ("DOC:YYMMDD:YYMMDD") and extra arguments
 * (NULL-terminated); stops the previous card first. */
void          chip_test_card_insert      (ChipTestCard *run,
                                          const char   *files_dir,
                                          const char   *mrz_info,
                                          ...) G_GNUC_NULL_TERMINATED;
/* The card leaves the reader (its program ends). */
void          chip_test_card_remove      (ChipTestCard *run);
/* Stops everything and deletes the folder. */
void          chip_test_card_stop        (ChipTestCard *run);

/* A folder with a test chip's files: EF.CardAccess (PACE: ECDH generic mapping on
 * brainpoolP256r1, AES-128), EF.COM (DG1, DG2, DG13), DG1, a DG2 of @dg2_size bytes, DG13 and a
 * 2 KB EF.SOD; random contents in valid TLV headers. */
char         *chip_test_card_make_files  (const char   *parent,
                                          const char   *name,
                                          gsize         dg2_size);

G_END_DECLS
