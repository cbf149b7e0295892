/* test-mrz.c: the MRZ parser (ICAO 9303 TD1 and TD3). */
#include "config.h"

#include <string.h>

#include "pd-mrz.h"
#include "pd-test-support.h"

/* Synthetic documents; every check digit computed with the 7-3-1 weights. */
#define TD1_L1 "IDVNM0901234562001090123456<<3"
#define TD1_L2 "9001011M3001019VNM<<<<<<<<<<<4"
#define TD1_L3 "DO<<ANH<BAO<<<<<<<<<<<<<<<<<<<"
#define TD3_L1 "P<VNMNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "C1234567<0VNM0512310M3301155001205012345<<36"
#define TD3B_L1 "P<VNMLE<<THI<MAI<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
#define TD3B_L2 "N0987654<0VNM8510150F2903013<<<<<<<<<<<<<<06"

static GDate *
make_today (void)
{
  return g_date_new_dmy (1, G_DATE_MARCH, 2026);
}

static PdMrz *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) today = make_today ();
  PdMrz *mrz = pd_mrz_parse (text, -1, today, &error);

  g_assert_no_error (error);
  g_assert_nonnull (mrz);
  return mrz;
}

static const PdMrzCheck *
find_check (const PdMrz *mrz,
            const char  *name)
{
  for (guint i = 0; i < mrz->checks->len; i++)
    if (g_str_equal (g_array_index (mrz->checks, PdMrzCheck, i).name, name))
      return &g_array_index (mrz->checks, PdMrzCheck, i);
  g_error ("no check %s", name);
}

static void
test_check_digit (void)
{
  /* ICAO 9303 part 3 worked examples */
  g_assert_cmpint (pd_mrz_check_digit ("L898902C3", 9), ==, '6');
  g_assert_cmpint (pd_mrz_check_digit ("740812", 6), ==, '2');
  g_assert_cmpint (pd_mrz_check_digit ("120415", 6), ==, '9');
  g_assert_cmpint (pd_mrz_check_digit ("<<<<<", 5), ==, '0');
  g_assert_cmpint (pd_mrz_check_digit ("", 0), ==, '0');
}

static void
test_td1 (void)
{
  g_autoptr(PdMrz) mrz = parse_ok (TD1_L1 "\n" TD1_L2 "\n" TD1_L3);
  const char *names[] = { "document_number", "id_number", "birth_date", "expiry_date", "composite" };

  g_assert_cmpint (mrz->format, ==, PD_MRZ_FORMAT_TD1);
  g_assert_cmpstr (mrz->document_type, ==, "ID");
  g_assert_cmpstr (mrz->issuing_state, ==, "VNM");
  g_assert_cmpstr (mrz->document_number, ==, "090123456");
  g_assert_cmpstr (mrz->id_number, ==, "001090123456");
  g_assert_cmpstr (mrz->birth_date, ==, "1990-01-01");
  g_assert_cmpstr (mrz->sex, ==, "M");
  g_assert_cmpstr (mrz->expiry_date, ==, "2030-01-01");
  g_assert_cmpstr (mrz->nationality, ==, "VNM");
  g_assert_cmpstr (mrz->surname, ==, "DO");
  g_assert_cmpstr (mrz->given_names, ==, "ANH BAO");
  g_assert_false (mrz->upcased);
  g_assert_cmpuint (mrz->corrections->len, ==, 0);

  g_assert_cmpuint (mrz->checks->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const PdMrzCheck *check = &g_array_index (mrz->checks, PdMrzCheck, i);

      g_assert_cmpstr (check->name, ==, names[i]);
      g_assert_true (check->ok);
      g_assert_cmpint (check->expected, ==, check->found);
      g_assert_nonnull (check->label);
    }
  g_assert_cmpint (find_check (mrz, "composite")->found, ==, '4');
  g_assert_true (pd_mrz_is_valid (mrz));
}

static void
test_td3 (void)
{
  g_autoptr(PdMrz) mrz = parse_ok (TD3_L1 "\n" TD3_L2);
  g_autoptr(PdMrz) filler = NULL;

  g_assert_cmpint (mrz->format, ==, PD_MRZ_FORMAT_TD3);
  g_assert_cmpstr (mrz->document_type, ==, "P");
  g_assert_cmpstr (mrz->document_number, ==, "C1234567");
  g_assert_null (mrz->id_number);
  g_assert_cmpstr (mrz->optional_data, ==, "001205012345");
  g_assert_cmpstr (mrz->birth_date, ==, "2005-12-31");  /* 05 is not after 26: 2005 */
  g_assert_cmpstr (mrz->expiry_date, ==, "2033-01-15");
  g_assert_cmpstr (mrz->surname, ==, "NGUYEN");
  g_assert_cmpstr (mrz->given_names, ==, "VAN AN");
  g_assert_cmpuint (mrz->checks->len, ==, 5);
  g_assert_cmpstr (g_array_index (mrz->checks, PdMrzCheck, 3).name, ==, "personal_number");
  g_assert_true (pd_mrz_is_valid (mrz));

  /* An empty personal number may have '<' as its check digit. */
  filler = parse_ok (TD3B_L1 "\n" "N0987654<0VNM8510150F2903013<<<<<<<<<<<<<<<6");
  g_assert_cmpstr (filler->birth_date, ==, "1985-10-15");
  g_assert_cmpstr (filler->sex, ==, "F");
  g_assert_cmpstr (filler->optional_data, ==, "");
  g_assert_true (find_check (filler, "personal_number")->ok);
  g_assert_true (pd_mrz_is_valid (filler));
}

static void
test_tolerated_input (void)
{
  g_autoptr(PdMrz) spaced = parse_ok ("\r\n  " TD1_L1 "  \r\n\r\n" "9001011M 3001019VNM<<<<<<<<<<<4\r\n" TD1_L3 "\r\n");
  g_autoptr(PdMrz) lower = NULL;
  g_autoptr(PdMrz) one_line = parse_ok (TD3B_L1 TD3B_L2 "\n");
  g_autofree char *lower_text = g_ascii_strdown (TD1_L1 "\n" TD1_L2 "\n" TD1_L3, -1);

  g_assert_cmpstr (spaced->lines[1], ==, TD1_L2);
  g_assert_true (pd_mrz_is_valid (spaced));

  lower = parse_ok (lower_text);
  g_assert_true (lower->upcased);
  g_assert_cmpstr (lower->lines[0], ==, TD1_L1);
  g_assert_true (pd_mrz_is_valid (lower));

  g_assert_cmpint (one_line->format, ==, PD_MRZ_FORMAT_TD3);
  g_assert_cmpstr (one_line->lines[1], ==, TD3B_L2);
  g_assert_null (one_line->lines[2]);
}

static void
assert_correction (const PdMrz *mrz,
                   guint        index,
                   const char  *check,
                   guint        line,
                   guint        column,
                   char         found,
                   char         replacement)
{
  const PdMrzCorrection *c;

  g_assert_cmpuint (index, <, mrz->corrections->len);
  c = &g_array_index (mrz->corrections, PdMrzCorrection, index);
  g_assert_cmpstr (c->check, ==, check);
  g_assert_cmpuint (c->line, ==, line);
  g_assert_cmpuint (c->column, ==, column);
  g_assert_cmpint (c->found, ==, found);
  g_assert_cmpint (c->replacement, ==, replacement);
}

static void
test_ocr_corrections (void)
{
  g_autoptr(PdMrz) dates = parse_ok (TD1_L1 "\n" "9OO1O1IM3001019VNM<<<<<<<<<<<4\n" TD1_L3);
  g_autoptr(PdMrz) document = parse_ok ("IDVNM09O1234S62001090123456<<3\n" TD1_L2 "\n" TD1_L3);
  g_autoptr(PdMrz) id_number = parse_ok ("IDVNM0901234562OO1O9O123456<<3\n" TD1_L2 "\n" TD1_L3);
  g_autoptr(PdMrz) composite = parse_ok (TD3B_L1 "\n" "N0987654<0VNM8510150F2903013<<<<<<<<<<<<<<0G");
  g_autoptr(PdMrz) alpha = parse_ok (TD3B_L1 "\n" "S0987654<5VNM8510150F2903013<<<<<<<<<<<<<<06");
  g_autoptr(PdMrz) hopeless = parse_ok (TD1_L1 "\n" "9OO1O12M3001019VNM<<<<<<<<<<<4\n" TD1_L3);

  /* Letters in the birth date and its check digit */
  g_assert_cmpuint (dates->corrections->len, ==, 4);
  assert_correction (dates, 0, "birth_date", 2, 2, 'O', '0');
  assert_correction (dates, 1, "birth_date", 2, 3, 'O', '0');
  assert_correction (dates, 2, "birth_date", 2, 5, 'O', '0');
  assert_correction (dates, 3, "birth_date", 2, 7, 'I', '1');
  g_assert_cmpstr (dates->lines[1], ==, TD1_L2);
  g_assert_cmpstr (dates->birth_date, ==, "1990-01-01");
  g_assert_true (pd_mrz_is_valid (dates));

  /* The Vietnamese document number is all digits */
  g_assert_cmpuint (document->corrections->len, ==, 2);
  assert_correction (document, 0, "document_number", 1, 8, 'O', '0');
  assert_correction (document, 1, "document_number", 1, 13, 'S', '5');
  g_assert_cmpstr (document->document_number, ==, "090123456");
  g_assert_true (pd_mrz_is_valid (document));

  g_assert_cmpuint (id_number->corrections->len, ==, 4);
  assert_correction (id_number, 0, "id_number", 1, 16, 'O', '0');
  g_assert_cmpstr (id_number->id_number, ==, "001090123456");
  g_assert_true (pd_mrz_is_valid (id_number));

  /* The composite check digit itself */
  g_assert_cmpuint (composite->corrections->len, ==, 1);
  assert_correction (composite, 0, "composite", 2, 44, 'G', '6');
  g_assert_true (pd_mrz_is_valid (composite));

  /* A passport number has letters: "S" stays when the check holds with it. */
  g_assert_cmpuint (alpha->corrections->len, ==, 0);
  g_assert_cmpstr (alpha->document_number, ==, "S0987654");
  g_assert_true (find_check (alpha, "document_number")->ok);

  /* When the check digit does not hold after replacing, nothing is changed. */
  g_assert_cmpuint (hopeless->corrections->len, ==, 0);
  g_assert_false (find_check (hopeless, "birth_date")->ok);
  g_assert_null (hopeless->birth_date);
  g_assert_false (pd_mrz_is_valid (hopeless));
}

static void
test_failed_checks (void)
{
  /* One wrong digit in the expiry date: its check and the composite fail, the rest hold. */
  g_autoptr(PdMrz) mrz = parse_ok (TD1_L1 "\n" "9001011M3001029VNM<<<<<<<<<<<4\n" TD1_L3);
  const PdMrzCheck *expiry = find_check (mrz, "expiry_date");

  g_assert_false (expiry->ok);
  g_assert_cmpint (expiry->found, ==, '9');
  g_assert_cmpint (expiry->expected, ==, pd_mrz_check_digit ("300102", 6));
  g_assert_false (find_check (mrz, "composite")->ok);
  g_assert_true (find_check (mrz, "birth_date")->ok);
  g_assert_true (find_check (mrz, "document_number")->ok);
  g_assert_cmpstr (mrz->expiry_date, ==, "2030-01-02");
  g_assert_false (pd_mrz_is_valid (mrz));
}

static void
test_century (void)
{
  g_autoptr(GDate) in_2026 = make_today ();
  g_autoptr(GDate) in_2099 = g_date_new_dmy (1, 1, 2099);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdMrz) mrz = NULL;
  g_autoptr(PdMrz) later = NULL;
  /* Born 2026-01-01, card expiring 2040 */
  const char *text = "IDVNM0901234562001090123456<<3\n2601010M4001016VNM<<<<<<<<<<<4\n" TD1_L3;

  mrz = pd_mrz_parse (text, -1, in_2026, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mrz->birth_date, ==, "2026-01-01");
  g_assert_cmpstr (mrz->expiry_date, ==, "2040-01-01");
  later = pd_mrz_parse (TD1_L1 "\n" TD1_L2 "\n" TD1_L3, -1, in_2099, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (later->birth_date, ==, "2090-01-01");
}

typedef struct {
  const char *text;
  gssize      length;
  PdMrzError  code;
  const char *message_part;
} InvalidCase;

static const InvalidCase invalid_cases[] = {
  { "", -1, PD_MRZ_ERROR_EMPTY, "empty" },
  { " \r\n\t\n", -1, PD_MRZ_ERROR_EMPTY, "empty" },
  { TD1_L1 "\n" TD1_L2 "\n" "DO<<ANH#BAO<<<<<<<<<<<<<<<<<<<", -1, PD_MRZ_ERROR_CHARACTER, "Line 3, column 8" },
  { TD1_L1 "\n" "9001011M30\0" "01019VNM<<<<<<<<<<<4\n" TD1_L3, 93, PD_MRZ_ERROR_CHARACTER, "0x00" },
  { TD1_L1 "\n" TD1_L2 "\n" "\xc4\x90O<<ANH<BAO<<<<<<<<<<<<<<<<<<", -1, PD_MRZ_ERROR_CHARACTER, "0xC4" },
  { TD1_L1 "\n" TD1_L2, -1, PD_MRZ_ERROR_SHAPE, "2 lines (30, 30" },
  { TD1_L1 "<\n" TD1_L2 "\n" TD1_L3, -1, PD_MRZ_ERROR_SHAPE, "31, 30, 30" },
  { TD3_L1 "\n" TD3_L2 "\n" TD3_L2, -1, PD_MRZ_ERROR_SHAPE, "3 lines" },
  { "A\nB\nC\nD\nE\nF", -1, PD_MRZ_ERROR_SHAPE, "1, 1, 1, 1, …" },
  { "XDVNM0901234562001090123456<<3\n" TD1_L2 "\n" TD1_L3, -1, PD_MRZ_ERROR_DOCUMENT_TYPE, "“X”" },
  { "V<VNMNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<<<<<\n" TD3_L2, -1, PD_MRZ_ERROR_DOCUMENT_TYPE, "“V”" },
  { TD1_L1 "\n" "9001011Q3001019VNM<<<<<<<<<<<4\n" TD1_L3, -1, PD_MRZ_ERROR_SEX, "“Q”" },
};

static void
check_invalid (const char *text,
               gssize      length,
               PdMrzError  code,
               const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdMrz) mrz = pd_mrz_parse (text, length, NULL, &error);

  g_assert_null (mrz);
  g_assert_error (error, PD_MRZ_ERROR, (int) code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_invalid (void)
{
  g_autofree char *overlong = g_strnfill (PD_MRZ_MAX_LENGTH + 1, '<');
  g_autofree char *blank = g_strnfill (PD_MRZ_MAX_LENGTH, ' ');

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_test_message ("case %u", i);
      check_invalid (invalid_cases[i].text, invalid_cases[i].length, invalid_cases[i].code,
                     invalid_cases[i].message_part);
    }
  check_invalid (overlong, -1, PD_MRZ_ERROR_TOO_LONG, "512");
  check_invalid (blank, -1, PD_MRZ_ERROR_EMPTY, "empty");
}

static void
test_name_from_vietnamese (void)
{
  struct {
    const char *name;
    guint       width;
    const char *mrz;
  } cases[] = {
    { "ĐỖ ÁNH BẢO", 0, "DO<<ANH<BAO" },
    { "Nguyễn Văn An", 0, "NGUYEN<<VAN<AN" },
    { "đặng   thị ngọc hân", 0, "DANG<<THI<NGOC<HAN" },
    { "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n An", 0, "NGUYEN<<VAN<AN" },  /* decomposed */
    { "Trần", 0, "TRAN" },
    { "Nguyễn-Văn An", 0, "NGUYEN<<VAN<AN" },
    { "Nguyễn Văn An", 10, "NGUYEN<<VA" },
    { "Tôn Nữ Thị Hoàng Yến", 30, "TON<<NU<THI<HOANG<YEN" },
    { "  ", 0, "" },
    { "Lê \xff Tám", 0, "LE<<TAM" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *mrz = pd_mrz_name_from_vietnamese (cases[i].name, cases[i].width);

      g_assert_cmpstr (mrz, ==, cases[i].mrz);
    }
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);

  g_test_add_func ("/mrz/check-digit", test_check_digit);
  g_test_add_func ("/mrz/td1", test_td1);
  g_test_add_func ("/mrz/td3", test_td3);
  g_test_add_func ("/mrz/tolerated-input", test_tolerated_input);
  g_test_add_func ("/mrz/ocr-corrections", test_ocr_corrections);
  g_test_add_func ("/mrz/failed-checks", test_failed_checks);
  g_test_add_func ("/mrz/century", test_century);
  g_test_add_func ("/mrz/invalid", test_invalid);
  g_test_add_func ("/mrz/name-from-vietnamese", test_name_from_vietnamese);

  return g_test_run ();
}
