/* test-validate.c: field and dossier validation, its rules and its messages. */
#include "config.h"

#include <string.h>

#include "pd-dossier.h"
#include "pd-reference.h"
#include "pd-validate.h"
#include "pd-test-support.h"

static PdReference *reference;
static GDate today;

/* A valid adult dossier as of 2026-03-15. */
static PdDossier *
make_adult (void)
{
  PdDossier *dossier = pd_test_make_dossier ("Nguyễn Văn An", "001090123456");

  pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, "HC-MOI");
  pd_dossier_set_field (dossier, PD_FIELD_FEE_AMOUNT, "200000");
  return dossier;
}

/* A valid 8-year-old on TK01a with a legal representative. */
static PdDossier *
make_child (void)
{
  PdDossier *dossier = make_adult ();

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, "Nguyễn Thị Bé");
  pd_dossier_set_field (dossier, PD_FIELD_SEX, "F");
  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "2018-02-10");
  pd_dossier_set_field (dossier, PD_FIELD_ID_NUMBER, "001318004321");
  pd_dossier_set_field (dossier, PD_FIELD_PHONE, NULL);
  pd_dossier_set_field (dossier, PD_FIELD_REP_NAME, "Nguyễn Văn An");
  pd_dossier_set_field (dossier, PD_FIELD_REP_ID_NUMBER, "001090123456");
  pd_dossier_set_field (dossier, PD_FIELD_REP_RELATIONSHIP, "Cha");
  pd_dossier_set_field (dossier, PD_FIELD_REP_PHONE, "0912345678");
  return dossier;
}

static char *
validate (PdDossier *dossier,
          PdField    field)
{
  return pd_validate_field (dossier, field, reference, &today);
}

static void
assert_valid (PdDossier *dossier)
{
  g_autoptr(GPtrArray) errors = pd_validate_dossier (dossier, reference, &today);

  for (guint i = 0; i < errors->len; i++)
    {
      PdFieldError *error = g_ptr_array_index (errors, i);

      g_test_message ("unexpected error on %s: %s", pd_field_get_key (error->field), error->message);
    }
  g_assert_cmpuint (errors->len, ==, 0);
}

/* @field of @dossier is rejected, with a message that names the field. */
static void
assert_invalid (PdDossier *dossier,
                PdField    field)
{
  g_autofree char *message = validate (dossier, field);
  g_autoptr(GPtrArray) errors = NULL;
  gboolean listed = FALSE;

  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_nonnull (strstr (message, pd_field_get_label (field)));

  errors = pd_validate_dossier (dossier, reference, &today);
  for (guint i = 0; i < errors->len; i++)
    {
      PdFieldError *error = g_ptr_array_index (errors, i);

      if (error->field == field)
        {
          g_assert_cmpstr (error->message, ==, message);
          listed = TRUE;
        }
      if (i > 0)
        g_assert_cmpint (((PdFieldError *) g_ptr_array_index (errors, i - 1))->field, <, error->field);
    }
  g_assert_true (listed);
}

static void
test_baseline (void)
{
  g_autoptr(PdDossier) adult = make_adult ();
  g_autoptr(PdDossier) child = make_child ();

  assert_valid (adult);
  assert_valid (child);
}

static void
test_id_number (void)
{
  g_assert_true (pd_id_number_is_valid ("001090123456"));
  g_assert_true (pd_id_number_is_valid ("000000000000"));
  g_assert_false (pd_id_number_is_valid (NULL));
  g_assert_false (pd_id_number_is_valid (""));
  g_assert_false (pd_id_number_is_valid ("00109012345"));
  g_assert_false (pd_id_number_is_valid ("0010901234567"));
  g_assert_false (pd_id_number_is_valid ("00109012345a"));
  g_assert_false (pd_id_number_is_valid ("001 90123456"));
  /* Arabic-Indic and full-width digits are digits to Unicode but not to the card. */
  g_assert_false (pd_id_number_is_valid ("00109012345\xd9\xa3"));
  g_assert_false (pd_id_number_is_valid ("00109012345\xef\xbc\x91"));
}

typedef struct
{
  PdField     field;
  const char *value;
  gboolean    valid;
} Case;

static const Case cases[] = {
  /* Names: any Unicode letters, spaces, apostrophe, hyphen; no digits. */
  { PD_FIELD_FULL_NAME, "Đỗ Ánh Bảo", TRUE },
  { PD_FIELD_FULL_NAME, "NGUYỄN THỊ MINH KHAI", TRUE },
  { PD_FIELD_FULL_NAME, "H'Hen Niê", TRUE },
  { PD_FIELD_FULL_NAME, "Y-Moan Êban", TRUE },
  { PD_FIELD_FULL_NAME, "Ksor H\u2019Bia", TRUE },
  { PD_FIELD_FULL_NAME, "Nguyễn Văn 2", FALSE },
  { PD_FIELD_FULL_NAME, "Nguyễn_Văn", FALSE },
  { PD_FIELD_FULL_NAME, "Trần, Thị", FALSE },
  { PD_FIELD_FULL_NAME, "'-'", FALSE },
  { PD_FIELD_FATHER_NAME, "Lê Văn Tám", TRUE },
  { PD_FIELD_FATHER_NAME, "Lê Văn 8", FALSE },
  { PD_FIELD_BANK_ACCOUNT_HOLDER, "NGUYEN VAN AN", TRUE },

  /* Sex and choices. */
  { PD_FIELD_SEX, "M", TRUE },
  { PD_FIELD_SEX, "F", TRUE },
  { PD_FIELD_SEX, "X", FALSE },
  { PD_FIELD_SEX, "Nam", FALSE },
  { PD_FIELD_REQUEST_TYPE, "first_issue", TRUE },
  { PD_FIELD_REQUEST_TYPE, "renew", FALSE },
  { PD_FIELD_CHIP, "no_chip", TRUE },
  { PD_FIELD_CHIP, "yes", FALSE },
  { PD_FIELD_DELIVERY, "post", TRUE },
  { PD_FIELD_DELIVERY, "drone", FALSE },

  /* Dates. */
  { PD_FIELD_BIRTH_DATE, "1990-02-28", TRUE },
  { PD_FIELD_BIRTH_DATE, "2000-02-29", TRUE },
  { PD_FIELD_BIRTH_DATE, "1990-02-29", FALSE },
  { PD_FIELD_BIRTH_DATE, "1990-13-01", FALSE },
  { PD_FIELD_BIRTH_DATE, "01/02/1990", FALSE },
  { PD_FIELD_BIRTH_DATE, "1990-1-1", FALSE },
  { PD_FIELD_BIRTH_DATE, "2026-03-16", FALSE },    /* tomorrow */
  { PD_FIELD_BIRTH_DATE, "1880-01-01", FALSE },
  { PD_FIELD_APPOINTMENT_DATE, "2026-03-25", TRUE }, /* future is fine here */
  { PD_FIELD_APPOINTMENT_DATE, "2026-02-30", FALSE },

  /* ID numbers. */
  { PD_FIELD_ID_NUMBER, "079201000001", TRUE },
  { PD_FIELD_ID_NUMBER, "07920100000", FALSE },
  { PD_FIELD_ID_NUMBER, "0792010000011", FALSE },
  { PD_FIELD_ID_NUMBER, "07920100000O", FALSE },

  /* Phones. */
  { PD_FIELD_PHONE, "0912345678", TRUE },
  { PD_FIELD_PHONE, "0912 345 678", TRUE },
  { PD_FIELD_PHONE, "091.234.5678", TRUE },
  { PD_FIELD_PHONE, "+84912345678", TRUE },
  { PD_FIELD_PHONE, "+84 912 345 678", TRUE },
  { PD_FIELD_PHONE, "02438123456", TRUE },          /* Hà Nội landline */
  { PD_FIELD_PHONE, "091234567", FALSE },
  { PD_FIELD_PHONE, "09123456789", FALSE },
  { PD_FIELD_PHONE, "1912345678", FALSE },
  { PD_FIELD_PHONE, "+840912345678", FALSE },
  { PD_FIELD_PHONE, "+33612345678", FALSE },
  { PD_FIELD_PHONE, "0912-ABC-678", FALSE },
  { PD_FIELD_REP_PHONE, "0387654321", TRUE },
  { PD_FIELD_REP_PHONE, "12345", FALSE },

  /* Email. */
  { PD_FIELD_EMAIL, "an.nguyen@example.com.vn", TRUE },
  { PD_FIELD_EMAIL, "an+passport@mail.example.org", TRUE },
  { PD_FIELD_EMAIL, "an.nguyen", FALSE },
  { PD_FIELD_EMAIL, "@example.com", FALSE },
  { PD_FIELD_EMAIL, "an@example", FALSE },
  { PD_FIELD_EMAIL, "an@@example.com", FALSE },
  { PD_FIELD_EMAIL, "an@exa_mple.com", FALSE },
  { PD_FIELD_EMAIL, "an..b@example.com", FALSE },
  { PD_FIELD_EMAIL, "an@example..com", FALSE },
  { PD_FIELD_EMAIL, "an b@example.com", FALSE },

  /* Reference codes. */
  { PD_FIELD_BIRTH_PROVINCE, "79", TRUE },
  { PD_FIELD_BIRTH_PROVINCE, "02", FALSE },
  { PD_FIELD_BIRTH_PROVINCE, "Hà Nội", FALSE },
  { PD_FIELD_ETHNIC_GROUP, "12", TRUE },
  { PD_FIELD_ETHNIC_GROUP, "99", FALSE },
  { PD_FIELD_PERMANENT_COMMUNE, "00004", TRUE },    /* Ba Đình, Hà Nội */
  { PD_FIELD_PERMANENT_COMMUNE, "99999", FALSE },
  { PD_FIELD_PERMANENT_COMMUNE, "25747", FALSE },   /* a commune of TP.HCM, province is Hà Nội */
  { PD_FIELD_FEE_CODE, "HC-MOI", TRUE },
  { PD_FIELD_FEE_CODE, "HC-FREE", FALSE },
  { PD_FIELD_FEE_CODE, "HC-MAT-HONG", FALSE },      /* fee of another request */

  /* Numbers. */
  { PD_FIELD_FEE_AMOUNT, "0", TRUE },
  { PD_FIELD_FEE_AMOUNT, "400000", TRUE },
  { PD_FIELD_FEE_AMOUNT, "-200000", FALSE },
  { PD_FIELD_FEE_AMOUNT, "200.000", FALSE },
  { PD_FIELD_FEE_AMOUNT, "2e5", FALSE },
  { PD_FIELD_COUNTER, "3", TRUE },
  { PD_FIELD_COUNTER, "three", FALSE },

  /* Texts with a shape. */
  { PD_FIELD_PREV_PASSPORT_NUMBER, "C1234567", TRUE },
  { PD_FIELD_PREV_PASSPORT_NUMBER, "C 1234567", FALSE },
  { PD_FIELD_PREV_PASSPORT_NUMBER, "C12", FALSE },
  { PD_FIELD_BANK_ACCOUNT_NUMBER, "0011004123456", TRUE },
  { PD_FIELD_BANK_ACCOUNT_NUMBER, "0011-004", FALSE },
  { PD_FIELD_OCCUPATION, "Kỹ sư, giáo viên", TRUE },
};

static void
test_field_kinds (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PdDossier) dossier = make_adult ();
      g_autofree char *message = NULL;

      /* A complete refund account so that one of its fields can be tested alone. */
      if (pd_field_get_info (cases[i].field)->group == PD_FIELD_GROUP_REFUND)
        {
          pd_dossier_set_field (dossier, PD_FIELD_BANK_ACCOUNT_NUMBER, "0011004123456");
          pd_dossier_set_field (dossier, PD_FIELD_BANK_ACCOUNT_HOLDER, "NGUYEN VAN AN");
          pd_dossier_set_field (dossier, PD_FIELD_BANK_NAME, "Vietcombank");
        }
      pd_dossier_set_field (dossier, cases[i].field, cases[i].value);
      message = validate (dossier, cases[i].field);
      g_test_message ("%s = %s: %s", pd_field_get_key (cases[i].field), cases[i].value,
                      message ? message : "valid");
      if (cases[i].valid)
        g_assert_null (message);
      else
        assert_invalid (dossier, cases[i].field);
    }
}

static void
test_required_adult (void)
{
  static const PdField always[] = {
    PD_FIELD_FULL_NAME, PD_FIELD_SEX, PD_FIELD_BIRTH_DATE, PD_FIELD_ID_NUMBER,
    PD_FIELD_ETHNIC_GROUP, PD_FIELD_PHONE, PD_FIELD_PERMANENT_ADDRESS,
    PD_FIELD_PERMANENT_PROVINCE, PD_FIELD_PERMANENT_COMMUNE, PD_FIELD_REQUEST_TYPE,
    PD_FIELD_CHIP, PD_FIELD_BIRTH_PROVINCE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (always); i++)
    {
      g_autoptr(PdDossier) dossier = make_adult ();

      g_assert_true (pd_field_is_required (dossier, always[i], &today));
      pd_dossier_set_field (dossier, always[i], NULL);
      assert_invalid (dossier, always[i]);
    }

  {
    g_autoptr(PdDossier) dossier = make_adult ();

    /* An adult needs no representative, no previous passport for a first issue. */
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_REP_NAME, &today));
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, &today));
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_REQUEST_REASON, &today));
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_EMAIL, &today));

    /* Born abroad: the country replaces the province, but not both. */
    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_PROVINCE, NULL);
    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_COUNTRY, "Cộng hòa Séc");
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_BIRTH_PROVINCE, &today));
    assert_valid (dossier);
    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_PROVINCE, "01");
    assert_invalid (dossier, PD_FIELD_BIRTH_COUNTRY);
  }
}

static void
test_under_14 (void)
{
  static const PdField rep[] = {
    PD_FIELD_REP_NAME, PD_FIELD_REP_ID_NUMBER, PD_FIELD_REP_RELATIONSHIP, PD_FIELD_REP_PHONE,
  };
  g_autoptr(PdDossier) child = make_child ();

  g_assert_true (pd_dossier_is_minor_form (child, &today));
  g_assert_false (pd_field_is_required (child, PD_FIELD_PHONE, &today));
  for (guint i = 0; i < G_N_ELEMENTS (rep); i++)
    {
      g_autoptr(PdDossier) dossier = make_child ();

      g_assert_true (pd_field_is_required (dossier, rep[i], &today));
      pd_dossier_set_field (dossier, rep[i], NULL);
      assert_invalid (dossier, rep[i]);
    }

  /* The day of the 14th birthday switches to TK01: the phone becomes required and the
   * representative optional. */
  {
    g_autoptr(PdDossier) dossier = make_child ();

    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "2012-03-16");
    g_assert_true (pd_dossier_is_minor_form (dossier, &today));
    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "2012-03-15");
    pd_dossier_set_field (dossier, PD_FIELD_ID_NUMBER, "001312004321");
    g_assert_false (pd_dossier_is_minor_form (dossier, &today));
    g_assert_true (pd_field_is_required (dossier, PD_FIELD_PHONE, &today));
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_REP_NAME, &today));
    assert_invalid (dossier, PD_FIELD_PHONE);
  }

  /* The representative's own number, and their age. */
  {
    g_autoptr(PdDossier) dossier = make_child ();

    pd_dossier_set_field (dossier, PD_FIELD_REP_ID_NUMBER, pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER));
    assert_invalid (dossier, PD_FIELD_REP_ID_NUMBER);
  }
  {
    g_autoptr(PdDossier) dossier = make_child ();

    pd_dossier_set_field (dossier, PD_FIELD_REP_BIRTH_DATE, "2010-01-01");
    assert_invalid (dossier, PD_FIELD_REP_BIRTH_DATE);
    pd_dossier_set_field (dossier, PD_FIELD_REP_BIRTH_DATE, "1988-01-01");
    pd_dossier_set_field (dossier, PD_FIELD_REP_ID_ISSUE_DATE, "1987-05-05");
    assert_invalid (dossier, PD_FIELD_REP_ID_ISSUE_DATE);
    pd_dossier_set_field (dossier, PD_FIELD_REP_ID_ISSUE_DATE, "2021-05-05");
    assert_valid (dossier);
  }
}

static void
test_request_rules (void)
{
  {
    g_autoptr(PdDossier) dossier = make_adult ();

    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, "reissue");
    pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, "HC-CAPLAI");
    g_assert_true (pd_field_is_required (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, &today));
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_REQUEST_REASON, &today));
    assert_invalid (dossier, PD_FIELD_PREV_PASSPORT_NUMBER);
    pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, "B7654321");
    assert_valid (dossier);
  }
  {
    g_autoptr(PdDossier) dossier = make_adult ();

    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, "reissue_lost");
    pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, "HC-MAT-HONG");
    pd_dossier_set_field (dossier, PD_FIELD_FEE_AMOUNT, "400000");
    assert_invalid (dossier, PD_FIELD_PREV_PASSPORT_NUMBER);
    assert_invalid (dossier, PD_FIELD_REQUEST_REASON);
    pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, "C1234567");
    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_REASON, "Mất khi đi du lịch");
    assert_valid (dossier);
  }
  {
    g_autoptr(PdDossier) dossier = make_adult ();

    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, "other");
    pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, "XN-NHANSU");
    pd_dossier_set_field (dossier, PD_FIELD_CHIP, NULL);
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_CHIP, &today));
    g_assert_false (pd_field_is_required (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, &today));
    assert_invalid (dossier, PD_FIELD_REQUEST_REASON);
    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_REASON, "Xác nhận nhân thân");
    assert_valid (dossier);
  }
}

static void
test_cross_fields (void)
{
  g_autoptr(PdDossier) dossier = make_adult ();

  /* Parents are born before the applicant. */
  pd_dossier_set_field (dossier, PD_FIELD_FATHER_NAME, "Nguyễn Văn Bình");
  pd_dossier_set_field (dossier, PD_FIELD_FATHER_BIRTH_DATE, "1995-01-01");
  assert_invalid (dossier, PD_FIELD_FATHER_BIRTH_DATE);
  pd_dossier_set_field (dossier, PD_FIELD_FATHER_BIRTH_DATE, "1962-07-20");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_BIRTH_DATE, "1990-01-01");
  assert_invalid (dossier, PD_FIELD_MOTHER_BIRTH_DATE);
  /* ... and the date needs a name. */
  assert_invalid (dossier, PD_FIELD_MOTHER_NAME);
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_BIRTH_DATE, "1965-03-08");
  pd_dossier_set_field (dossier, PD_FIELD_MOTHER_NAME, "Trần Thị Hoa");
  assert_valid (dossier);

  /* A previous passport is issued after birth and not in the future. */
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, "C1234567");
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE, "1989-06-01");
  assert_invalid (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE);
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE, "2027-06-01");
  assert_invalid (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE);
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE, "2016-06-01");
  assert_valid (dossier);
  /* An issue date without a number. */
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, NULL);
  assert_invalid (dossier, PD_FIELD_PREV_PASSPORT_NUMBER);
  pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE, NULL);

  /* The commune must belong to the chosen province, for every address. */
  pd_dossier_set_field (dossier, PD_FIELD_CURRENT_PROVINCE, "79");
  assert_invalid (dossier, PD_FIELD_CURRENT_COMMUNE);
  pd_dossier_set_field (dossier, PD_FIELD_CURRENT_COMMUNE, "25747");
  assert_valid (dossier);
  pd_dossier_set_field (dossier, PD_FIELD_TEMPORARY_COMMUNE, "00070");
  assert_invalid (dossier, PD_FIELD_TEMPORARY_PROVINCE);
  pd_dossier_set_field (dossier, PD_FIELD_TEMPORARY_PROVINCE, "01");
  assert_valid (dossier);

  /* A refund account is all or nothing. */
  pd_dossier_set_field (dossier, PD_FIELD_BANK_NAME, "Vietcombank");
  assert_invalid (dossier, PD_FIELD_BANK_ACCOUNT_NUMBER);
  assert_invalid (dossier, PD_FIELD_BANK_ACCOUNT_HOLDER);
  pd_dossier_set_field (dossier, PD_FIELD_BANK_ACCOUNT_NUMBER, "0011004123456");
  pd_dossier_set_field (dossier, PD_FIELD_BANK_ACCOUNT_HOLDER, "NGUYEN VAN AN");
  assert_valid (dossier);

  /* A fee amount needs a fee, and a fee an amount. */
  pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, NULL);
  assert_invalid (dossier, PD_FIELD_FEE_CODE);
  pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, "HC-MOI");
  pd_dossier_set_field (dossier, PD_FIELD_FEE_AMOUNT, NULL);
  assert_invalid (dossier, PD_FIELD_FEE_AMOUNT);
}

static void
test_without_reference (void)
{
  g_autoptr(PdDossier) dossier = make_adult ();
  g_autoptr(GPtrArray) errors = NULL;

  /* Without reference data only the shape is checked. */
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_COMMUNE, "99999");
  errors = pd_validate_dossier (dossier, NULL, &today);
  g_assert_cmpuint (errors->len, ==, 0);
}

static void
test_warnings (void)
{
  static const struct {
    const char *id;
    const char *birth;
    const char *sex;
    guint       n_warnings;
  } id_cases[] = {
    { "001090123456", "1990-01-01", "M", 0 },
    { "001190123456", "1990-01-01", "F", 0 },
    { "079201123456", "2001-05-05", "M", 0 },
    { "079301123456", "2001-05-05", "F", 0 },
    { "001190123456", "1990-01-01", "M", 1 },   /* female digit, male applicant */
    { "001091123456", "1990-01-01", "M", 1 },   /* year 91 */
    { "001290123456", "1990-01-01", "M", 1 },   /* 2000s century digit */
    { "001090123456", NULL, "F", 1 },           /* sex alone still checked */
    { "001090123456", NULL, NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (id_cases); i++)
    {
      g_autoptr(PdDossier) dossier = make_adult ();
      g_autoptr(GPtrArray) warnings = NULL;
      g_autoptr(GPtrArray) errors = NULL;

      pd_dossier_set_field (dossier, PD_FIELD_ID_NUMBER, id_cases[i].id);
      pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, id_cases[i].birth);
      pd_dossier_set_field (dossier, PD_FIELD_SEX, id_cases[i].sex);
      warnings = pd_validate_warnings (dossier, &today);
      g_assert_cmpuint (warnings->len, ==, id_cases[i].n_warnings);
      if (warnings->len > 0)
        {
          PdFieldError *warning = g_ptr_array_index (warnings, 0);

          g_assert_cmpint (warning->field, ==, PD_FIELD_ID_NUMBER);
          g_assert_nonnull (strstr (warning->message, pd_field_get_label (PD_FIELD_ID_NUMBER)));
        }

      /* A warning never blocks: the ID number itself is valid. */
      errors = pd_validate_dossier (dossier, reference, &today);
      for (guint j = 0; j < errors->len; j++)
        g_assert_cmpint (((PdFieldError *) g_ptr_array_index (errors, j))->field, !=, PD_FIELD_ID_NUMBER);
    }
}

static void
test_vietnamese_locale (void)
{
  g_autoptr(PdDossier) dossier = make_adult ();
  g_autofree char *message = NULL;

  g_setenv ("LANGUAGE", "vi", TRUE);
  pd_dossier_set_field (dossier, PD_FIELD_PHONE, "12");
  message = validate (dossier, PD_FIELD_PHONE);
  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_nonnull (strstr (message, pd_field_get_label (PD_FIELD_PHONE)));
  g_assert_nonnull (strstr (message, "12"));
  g_unsetenv ("LANGUAGE");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  pd_test_init (&argc, &argv);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 15, G_DATE_MARCH, 2026);
  reference = pd_reference_new_from_directory (pd_reference_get_default_directory (), &error);
  g_assert_no_error (error);

  g_test_add_func ("/validate/baseline", test_baseline);
  g_test_add_func ("/validate/id-number", test_id_number);
  g_test_add_func ("/validate/field-kinds", test_field_kinds);
  g_test_add_func ("/validate/required-adult", test_required_adult);
  g_test_add_func ("/validate/under-14", test_under_14);
  g_test_add_func ("/validate/request-rules", test_request_rules);
  g_test_add_func ("/validate/cross-fields", test_cross_fields);
  g_test_add_func ("/validate/without-reference", test_without_reference);
  g_test_add_func ("/validate/warnings", test_warnings);
  g_test_add_func ("/validate/vietnamese-locale", test_vietnamese_locale);

  ret = g_test_run ();
  g_clear_object (&reference);
  return ret;
}
