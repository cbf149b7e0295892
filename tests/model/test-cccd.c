/* test-cccd.c: the ID card QR code parser. */
#include "config.h"

#include <string.h>

#include "pd-cccd.h"
#include "pd-dossier.h"
#include "pd-test-support.h"

#define NAME_NFC "Nguyễn Văn A"
#define ADDRESS  "Số 1 Phố X, Phường Y, Hà Nội"

typedef struct {
  const char     *text;
  const char     *id_number;
  const char     *old_id;
  const char     *full_name;
  const char     *birth_date;
  const char     *sex;
  const char     *address;
  const char     *issue_date;
  PdCccdWarnings  warnings;
  const char     *extras;   /* joined with ',' */
} ValidCase;

static const ValidCase valid_cases[] = {
  { "001090123456|012345678|" NAME_NFC "|01011990|Nam|" ADDRESS "|15042021",
    "001090123456", "012345678", NAME_NFC, "1990-01-01", "M", ADDRESS, "2021-04-15", 0, NULL },
  /* Cards issued to people who never had a CMND */
  { "001090123456||" NAME_NFC "|01011990|Nam|" ADDRESS "|15042021",
    "001090123456", "", NAME_NFC, "1990-01-01", "M", ADDRESS, "2021-04-15", PD_CCCD_WARNING_NO_OLD_ID, NULL },
  /* 6 fields: no old ID field at all */
  { "079195001234|Trần Thị Bích|29021996|Nữ|12 Lê Lợi, Bến Thành, TP. Hồ Chí Minh|01072024",
    "079195001234", "", "Trần Thị Bích", "1996-02-29", "F", "12 Lê Lợi, Bến Thành, TP. Hồ Chí Minh",
    "2024-07-01", PD_CCCD_WARNING_NO_OLD_ID | PD_CCCD_WARNING_SIX_FIELDS, NULL },
  /* 6 fields: no date of issue */
  { "001090123456|012345678|" NAME_NFC "|01011990|Nam|" ADDRESS,
    "001090123456", "012345678", NAME_NFC, "1990-01-01", "M", ADDRESS, "",
    PD_CCCD_WARNING_NO_ISSUE_DATE | PD_CCCD_WARNING_SIX_FIELDS, NULL },
  /* Extra trailing fields (a later card layout), an empty one ignored */
  { "001090123456|012345678|" NAME_NFC "|01011990|Nam|" ADDRESS "|15042021|Nơi cư trú mới||X 2",
    "001090123456", "012345678", NAME_NFC, "1990-01-01", "M", ADDRESS, "2021-04-15",
    PD_CCCD_WARNING_EXTRA_FIELDS, "Nơi cư trú mới,X 2" },
  /* A keyboard-wedge scanner's Enter, spaces around fields, runs of spaces inside */
  { "  001090123456 | 012345678 |  Nguyễn   Văn\tA |01011990| Nam |Số 1  Phố X |15042021\r\n",
    "001090123456", "012345678", NAME_NFC, "1990-01-01", "M", "Số 1 Phố X", "2021-04-15", 0, NULL },
  /* Decomposed marks (NFD) are composed; "NỮ" in capitals */
  { "001090123456|012345678|Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A|01011990|NU\xcc\x9b\xcc\x83|Ha\xcc\x80 No\xcc\xa3\xcc\x82i|15042021",
    "001090123456", "012345678", NAME_NFC, "1990-01-01", "F", "Hà Nội", "2021-04-15", 0, NULL },
  /* A 12-digit old number (a CCCD replaced by a newer card) */
  { "001090123456|001090654321|" NAME_NFC "|01011990|nam|" ADDRESS "|15042021",
    "001090123456", "001090654321", NAME_NFC, "1990-01-01", "M", ADDRESS, "2021-04-15", 0, NULL },
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(PdCccd) card = pd_cccd_parse (c->text, -1, &error);

      g_test_message ("case %u: %s", i, c->text);
      g_assert_no_error (error);
      g_assert_nonnull (card);
      g_assert_cmpstr (card->id_number, ==, c->id_number);
      g_assert_cmpstr (card->old_id, ==, c->old_id);
      g_assert_cmpstr (card->full_name, ==, c->full_name);
      g_assert_cmpstr (card->birth_date, ==, c->birth_date);
      g_assert_cmpstr (card->sex, ==, c->sex);
      g_assert_cmpstr (card->address, ==, c->address);
      g_assert_cmpstr (card->issue_date, ==, c->issue_date);
      g_assert_cmpint (card->warnings, ==, c->warnings);
      if (c->extras == NULL)
        g_assert_null (card->extra_fields);
      else
        {
          g_autofree char *joined = g_strjoinv (",", (char **) card->extra_fields);

          g_assert_cmpstr (joined, ==, c->extras);
        }
    }
}

typedef struct {
  const char  *text;
  gssize       length;
  PdCccdError  code;
  const char  *message_part;
} InvalidCase;

static const InvalidCase invalid_cases[] = {
  { "", -1, PD_CCCD_ERROR_EMPTY, "empty" },
  { " \r\n", -1, PD_CCCD_ERROR_EMPTY, "empty" },
  { "001090123456|012345678|A\0B|01011990|Nam|X|15042021", 50, PD_CCCD_ERROR_NUL_BYTE, "NUL" },
  { "001090123456|012345678|Nguy\xff\xfen|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_ENCODING, "UTF-8" },
  { "001090123456|012345678|Nguy\xe1\xbb|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_ENCODING, "UTF-8" },
  { "hello world", -1, PD_CCCD_ERROR_FIELD_COUNT, "1 field" },
  { "001090123456|012345678|A|01011990|Nam", -1, PD_CCCD_ERROR_FIELD_COUNT, "5 fields" },
  { "001090123456|A|01011990|Nam|X", -1, PD_CCCD_ERROR_FIELD_COUNT, "5 fields" },
  { "01090123456|012345678|A|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_ID_NUMBER, "12 digits" },
  { "0010901234567|012345678|A|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_ID_NUMBER, "12 digits" },
  { "00109012345O|012345678|A|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_ID_NUMBER, "“00109012345O”" },
  { "001090123456|01234567|A|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_OLD_ID, "9 or 12 digits" },
  { "001090123456|012345678|Nguyen 2|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_NAME, "digits" },
  { "001090123456|012345678||01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_NAME, "empty" },
  { "001090123456|012345678|A|31021990|Nam|X|15042021", -1, PD_CCCD_ERROR_BIRTH_DATE, "31021990" },
  { "001090123456|012345678|A|1990-01-01|Nam|X|15042021", -1, PD_CCCD_ERROR_BIRTH_DATE, "ddmmyyyy" },
  { "001090123456|012345678|A|01011890|Nam|X|15042021", -1, PD_CCCD_ERROR_BIRTH_DATE, "date of birth" },
  { "001090123456|012345678|A|01011990|Nam|X|1504202", -1, PD_CCCD_ERROR_ISSUE_DATE, "date of issue" },
  { "001090123456|012345678|A|01011990|Khác|X|15042021", -1, PD_CCCD_ERROR_SEX, "“Khác”" },
  { "001090123456|012345678|A|01011990|Nam||15042021", -1, PD_CCCD_ERROR_ADDRESS, "address" },
  /* Only no-break spaces, which fold away */
  { "001090123456|012345678|A|01011990|Nam|\xc2\xa0|15042021", -1, PD_CCCD_ERROR_ADDRESS, "address" },
  { "001090123456|012345678|\xc2\xa0\xe2\x80\x83|01011990|Nam|X|15042021", -1, PD_CCCD_ERROR_NAME, "empty" },
};

static void
check_invalid (const char  *text,
               gssize       length,
               PdCccdError  code,
               const char  *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCccd) card = pd_cccd_parse (text, length, &error);

  g_assert_null (card);
  g_assert_error (error, PD_CCCD_ERROR, (int) code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_test_message ("case %u", i);
      check_invalid (invalid_cases[i].text, invalid_cases[i].length, invalid_cases[i].code,
                     invalid_cases[i].message_part);
    }
}

static void
test_hostile (void)
{
  g_autofree char *overlong = NULL;
  g_autofree char *pipes = NULL;
  g_autofree char *long_id = NULL;
  GString *at_limit;
  g_autoptr(PdCccd) card = NULL;
  g_autoptr(GError) error = NULL;

  /* Over 1 KB is refused whatever it holds, even without a terminating NUL in reach. */
  overlong = g_strnfill (PD_CCCD_MAX_LENGTH + 1, '1');
  check_invalid (overlong, -1, PD_CCCD_ERROR_TOO_LONG, "1024");
  check_invalid (overlong, PD_CCCD_MAX_LENGTH + 1, PD_CCCD_ERROR_TOO_LONG, "1024");

  pipes = g_strnfill (PD_CCCD_MAX_LENGTH, '|');
  check_invalid (pipes, -1, PD_CCCD_ERROR_FIELD_COUNT, "more than");

  /* The bad value is quoted, cut short. */
  long_id = g_strnfill (600, '9');
  long_id[0] = 'x';
  {
    g_autofree char *text = g_strconcat (long_id, "|012345678|A|01011990|Nam|X|15042021", NULL);
    g_autofree char *quoted = g_strconcat ("“x", long_id + 577, "…”", NULL);

    check_invalid (text, -1, PD_CCCD_ERROR_ID_NUMBER, quoted);
  }

  /* Exactly 1 KB with a very long address is fine. */
  at_limit = g_string_new ("001090123456|012345678|Lê Văn Tám|01011990|Nam|");
  while (at_limit->len < PD_CCCD_MAX_LENGTH - 9)
    g_string_append_c (at_limit, 'a');
  g_string_append (at_limit, "|15042021");
  g_assert_cmpuint (at_limit->len, ==, PD_CCCD_MAX_LENGTH);
  card = pd_cccd_parse (at_limit->str, at_limit->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (card->address), ==, PD_CCCD_MAX_LENGTH - 9 - strlen ("001090123456|012345678|Lê Văn Tám|01011990|Nam|"));
  g_string_free (at_limit, TRUE);

  /* The length given is honoured: what follows is not read. */
  g_clear_pointer (&card, pd_cccd_free);
  card = pd_cccd_parse ("001090123456|012345678|A|01011990|Nam|X|15042021|garbage", 48, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->issue_date, ==, "2021-04-15");
  g_assert_null (card->extra_fields);
}

static void
test_warning_messages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCccd) card = pd_cccd_parse ("079195001234|Trần Thị Bích|29021996|Nữ|Hà Nội|01072024|ABC",
                                          -1, &error);
  g_auto(GStrv) messages = NULL;

  g_assert_no_error (error);
  messages = pd_cccd_get_warning_messages (card);
  g_assert_cmpuint (g_strv_length (messages), ==, 2);
  g_assert_nonnull (strstr (messages[0], "no old ID"));
  g_assert_nonnull (strstr (messages[1], "“ABC”"));

  g_clear_pointer (&card, pd_cccd_free);
  g_clear_pointer (&messages, g_strfreev);
  card = pd_cccd_parse ("001090123456|012345678|A|01011990|Nam|X|15042021", -1, &error);
  messages = pd_cccd_get_warning_messages (card);
  g_assert_cmpuint (g_strv_length (messages), ==, 0);
}

static void
test_fill_and_compare (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCccd) card = pd_cccd_parse ("001090123456|012345678|Nguyễn Văn Bình|02011990|Nữ|Số 1  Phố Hàng Bạc|15042021",
                                          -1, &error);
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("NGUYEN VAN BINH", "001090123456");
  g_autoptr(PdDossier) empty = pd_dossier_new ();
  g_autoptr(GPtrArray) mismatches = NULL;
  PdCccdMismatch *m;

  g_assert_no_error (error);

  /* Folded names match; spaces are canonical; birth date and sex differ. */
  mismatches = pd_cccd_compare_dossier (card, dossier);
  g_assert_cmpuint (mismatches->len, ==, 2);
  m = g_ptr_array_index (mismatches, 0);
  g_assert_cmpint (m->field, ==, PD_FIELD_BIRTH_DATE);
  g_assert_cmpstr (m->dossier_value, ==, "1990-01-01");
  g_assert_cmpstr (m->card_value, ==, "1990-01-02");
  m = g_ptr_array_index (mismatches, 1);
  g_assert_cmpint (m->field, ==, PD_FIELD_SEX);
  g_assert_cmpstr (m->dossier_value, ==, "M");
  g_assert_cmpstr (m->card_value, ==, "F");
  g_clear_pointer (&mismatches, g_ptr_array_unref);

  /* Names are compared folded, so another name is a mismatch; so is a different address. */
  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, "Nguyễn Văn Minh");
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, "Số 2 Phố Hàng Bạc");
  mismatches = pd_cccd_compare_dossier (card, dossier);
  g_assert_cmpuint (mismatches->len, ==, 4);
  g_assert_cmpint (((PdCccdMismatch *) g_ptr_array_index (mismatches, 0))->field, ==, PD_FIELD_FULL_NAME);
  g_assert_cmpint (((PdCccdMismatch *) g_ptr_array_index (mismatches, 3))->field, ==, PD_FIELD_PERMANENT_ADDRESS);
  g_clear_pointer (&mismatches, g_ptr_array_unref);

  /* An empty dossier has nothing to contradict; filling it makes it agree. */
  mismatches = pd_cccd_compare_dossier (card, empty);
  g_assert_cmpuint (mismatches->len, ==, 0);
  g_clear_pointer (&mismatches, g_ptr_array_unref);

  pd_cccd_fill_dossier (card, dossier);
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), ==, "Nguyễn Văn Bình");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER), ==, "001090123456");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_BIRTH_DATE), ==, "1990-01-02");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_SEX), ==, "F");
  g_assert_cmpstr (pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_ADDRESS), ==, "Số 1 Phố Hàng Bạc");
  mismatches = pd_cccd_compare_dossier (card, dossier);
  g_assert_cmpuint (mismatches->len, ==, 0);
}

/* Run with -m perf: the parser must take under a microsecond per card. */
static void
test_speed (void)
{
  const char *texts[] = {
    "001090123456|012345678|Nguyễn Văn A|01011990|Nam|Số 1 Phố X, Phường Y, Hà Nội|15042021",
    "079195001234||Trần Thị Bích|29021996|Nữ|12 Lê Lợi, Bến Thành, TP. Hồ Chí Minh|01072024",
  };
  const guint n = 1000000;
  gsize lengths[2] = { strlen (texts[0]), strlen (texts[1]) };
  gint64 start;
  double seconds;
  guint parsed = 0;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      PdCccd *card = pd_cccd_parse (texts[i & 1], lengths[i & 1], NULL);

      parsed += card != NULL;
      pd_cccd_free (card);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpuint (parsed, ==, n);
  g_test_minimized_result (seconds, "%u cards parsed in %.3f s", n, seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/cccd/valid", test_valid);
  g_test_add_func ("/cccd/invalid", test_invalid);
  g_test_add_func ("/cccd/hostile", test_hostile);
  g_test_add_func ("/cccd/warning-messages", test_warning_messages);
  g_test_add_func ("/cccd/fill-and-compare", test_fill_and_compare);
  g_test_add_func ("/cccd/speed", test_speed);

  return g_test_run ();
}
