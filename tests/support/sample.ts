// The sample's services (data/base): their slugs and their questions' record ids, and a complete,
// valid set of answers to the first form, by question label.
export const SAMPLE_FORM = "conseil-renovation";

export const SAMPLE_KEYS = {
  firstName: "recQPrenom0000001",
  lastName: "recQNom000000002",
  email: "recQEmail0000003",
  phone: "recQTelephone004",
  address: "recQAdresse00005",
  housing: "recQLogement0006",
  year: "recQAnnee0000007",
  household: "recQFoyer0000008",
  works: "recQTravaux00009",
  date: "recQDateRdv00010",
  project: "recQProjet000011",
  consent: "recQConsent00012",
} as const;

/** The sample's second service: a form in steps, with a commune, a condition, an eligibility rule and a prefilled question. */
export const VELO_FORM = "aide-velo";

export const VELO_KEYS = {
  intro: "recQVeloIntro0001",
  situation: "recQVeloEtape0010",
  commune: "recQVeloCommune15",
  income: "recQVeloRevenu020",
  project: "recQVeloEtape0030",
  bike: "recQVeloType00040",
  children: "recQVeloEnfant050",
  price: "recQVeloPrix00060",
  date: "recQVeloDate00070",
  contact: "recQVeloEtape0080",
  firstName: "recQVeloPrenom090",
  email: "recQVeloEmail0100",
  consent: "recQVeloAccord110",
} as const;

export function validSubmission(): Array<[string, string]> {
  const k = SAMPLE_KEYS;
  return [
    [k.firstName, "Camille"],
    [k.lastName, "Dupont"],
    [k.email, "camille.dupont@exemple.fr"],
    [k.phone, "06 12 34 56 78"],
    [k.address, "55 Rue Baudin 93140 Bondy"],
    [`${k.address}__id`, "93010_0620_00055"],
    [k.housing, "Maison individuelle"],
    [k.year, "De 1948 à 1974"],
    [k.household, "3"],
    [k.works, "Isolation"],
    [k.works, "Chauffage"],
    [k.date, "2027-03-15"],
    [k.project, "=1+1 Des fenêtres qui laissent passer le froid."],
    [k.consent, "oui"],
  ];
}
