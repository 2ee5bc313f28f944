//! What a host shows a person reads as English, never as Debug text (issue 24).

use partnerkit_core::{CountryCode, DisplayName, Money};
use partnerkit_tax::*;

use crate::support::*;

#[test]
fn tax_values_a_person_sees_have_short_english_labels() {
    // rule: TAX-1
    // rule: X-4
    assert_eq!(EntityType::Individual.to_string(), "individual");
    assert_eq!(format!("[{:<8}]", EntityType::Entity), "[entity  ]");
    assert_eq!(ProfileStatus::NotStarted.to_string(), "not started");
    assert_eq!(ProfileStatus::Complete.to_string(), "complete");
    assert_eq!(
        ProfileStatus::Incomplete.to_string(),
        "incomplete: the required form is missing"
    );
    assert_eq!(FormKind::W8BenE.to_string(), "W-8BEN-E");
    assert_eq!(
        WithdrawalReason::ProfileChanged.to_string(),
        "the residence, citizenship or entity type changed"
    );
    let signature =
        ElectronicSignature::new(DisplayName::new("Ann Lind").unwrap(), date(2027, 3, 1));
    assert_eq!(signature.to_string(), "signed by Ann Lind on 2027-03-01");
    let claim = TreatyClaim {
        country: CountryCode::SE,
        article: "12(1)".parse().unwrap(),
        rate: "0%".parse().unwrap(),
        income: IncomeType::OtherRoyalties,
    };
    assert_eq!(
        claim.to_string(),
        format!(
            "0% under the SE treaty, article 12(1), on {}",
            IncomeType::OtherRoyalties
        )
    );
    assert_eq!(
        UsTin::new("12-3456789").unwrap().record().to_string(),
        "•••••6789"
    );
    assert_eq!(Remitter::Marketplace.to_string(), "the marketplace remits");
    assert_eq!(IncomeSource::Foreign.to_string(), "foreign source");
    assert_eq!(ExemptionCode::NotExempt.to_string(), "00 (not exempt)");
    let misc = UsReturnForm::Misc1099 {
        royalties_at_least: "10.00 USD".parse::<Money>().unwrap(),
    };
    assert_eq!(misc.to_string(), "Form 1099-MISC");
    assert_eq!(
        WithholdingReason::NotUsSale.to_string(),
        "not withheld: a sale outside the US"
    );
    assert_eq!(
        WithholdingReason::SellerRate {
            reason: RateReason::UsPerson
        }
        .to_string(),
        RateReason::UsPerson.to_string()
    );
    assert_eq!(WithholdingBase::UsSales.to_string(), "sales made in the US");
    assert_eq!(MonthDay::new(3, 15).unwrap().to_string(), "03-15");
    let notice = W8Notice {
        form: FormKind::W8Ben,
        signed_on: date(2024, 3, 1),
        valid_through: date(2027, 12, 31),
        expired: false,
    };
    assert_eq!(
        notice.to_string(),
        "the W-8BEN signed on 2024-03-01 is valid through 2027-12-31: sign a new one to keep its rate"
    );
    let expired = W8Notice {
        expired: true,
        ..notice
    };
    assert_eq!(
        expired.to_string(),
        "the W-8BEN signed on 2024-03-01 expired after 2027-12-31: the default rate applies until a new one is signed"
    );
}
