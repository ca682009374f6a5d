import { getLastUserText, getMessageText } from "../answers.ts";
import type { MockChatRequest, MockRespond } from "../types.ts";
import { estimateUsage } from "./usage.ts";

/** The three candidates of `examples/medical-coding`, as the scripted model tells them apart. */
export type MedicalCoder = "guidelines" | "bare" | "fine-tune";

/** One eval case of `examples/medical-coding` and how each candidate answers it. */
export interface MedicalCodingCase {
  id: string;
  /** The ICD-10-CM chapter, by the letter its codes start with: the case's cluster. */
  chapter: "E" | "I" | "J" | "F" | "S" | "M";
  /** A short synthetic clinical note (no real patient). */
  note: string;
  /** The right ICD-10-CM code for the main diagnosis. */
  code: string;
  /** What a candidate answers when it gets the case wrong; a candidate not listed answers `code`. */
  wrong: Partial<Record<MedicalCoder, string>>;
}

/** The model name of the fine-tune candidate (a LoRA adapter on Together). */
export const MEDICAL_CODING_FINE_TUNE = "acme/Llama-3.1-8B-icd10-lora";

/**
 * The 60 cases of `examples/medical-coding/evals/coding.jsonl`, 10 per chapter, with a fixed table of who gets
 * which wrong. The pattern is the one the prompt-first argument describes for ICD-10 coding: the guidelines
 * prompt is right on 40 of 60 (about 67%), near perfect on respiratory (J, 10/10) and circulatory (I, 9/10)
 * codes but poor on injuries (S, 3/10: laterality, the placeholder `X`, the 7th character for the encounter)
 * and musculoskeletal codes (M, 4/10); the fine-tune is right on 56 (about 93%); the bare prompt on 26. The
 * wrong answers are the mistakes coders make: an unspecified code where the note is specific, a missing 7th
 * character, the wrong side, a code deleted from the classification (`M54.5`, replaced by `M54.50` in 2021).
 */
export const MEDICAL_CODING_CASES: readonly MedicalCodingCase[] = [
  // E: endocrine, nutritional and metabolic diseases.
  {
    id: "e-t2dm-hyperglycemia",
    chapter: "E",
    note: "58-year-old man with type 2 diabetes on metformin and glipizide. A1c 10.4%, home glucose readings 250-320. Assessment: type 2 diabetes, poorly controlled, with hyperglycemia. Plan: add basal insulin.",
    code: "E11.65",
    wrong: {},
  },
  {
    id: "e-t2dm-ckd",
    chapter: "E",
    note: "71-year-old woman with type 2 diabetes for 15 years. eGFR 48 and 51 three months apart, urine albumin-to-creatinine ratio 120. Assessment: type 2 diabetes with diabetic chronic kidney disease, stage 3a.",
    code: "E11.22",
    wrong: { guidelines: "E11.9", bare: "E11.9" },
  },
  {
    id: "e-t2dm-polyneuropathy",
    chapter: "E",
    note: "64-year-old with type 2 diabetes reports burning and numbness in both feet in a stocking distribution. Monofilament sensation reduced bilaterally. Assessment: diabetic peripheral polyneuropathy.",
    code: "E11.42",
    wrong: { guidelines: "E11.40", bare: "E11.40" },
  },
  {
    id: "e-t1dm-dka",
    chapter: "E",
    note: "22-year-old with type 1 diabetes missed insulin for two days, now vomiting. Glucose 486, pH 7.18, anion gap 24, serum ketones positive; alert and oriented. Assessment: diabetic ketoacidosis without coma.",
    code: "E10.10",
    wrong: {},
  },
  {
    id: "e-hypothyroidism",
    chapter: "E",
    note: "Fatigue, weight gain and cold intolerance for three months. TSH 14.2, free T4 low. Assessment: hypothyroidism. Start levothyroxine 50 mcg daily.",
    code: "E03.9",
    wrong: {},
  },
  {
    id: "e-graves",
    chapter: "E",
    note: "34-year-old woman with palpitations, heat intolerance and weight loss. Diffusely enlarged non-tender thyroid, exophthalmos; TSH suppressed, thyroid-stimulating immunoglobulin positive. Assessment: Graves disease without thyroid storm.",
    code: "E05.00",
    wrong: { guidelines: "E05.90", bare: "E05.90" },
  },
  {
    id: "e-hyperlipidemia",
    chapter: "E",
    note: "Routine follow-up, no cardiovascular history. Fasting lipids: total cholesterol 248, LDL 162. Assessment: hyperlipidemia. Start atorvastatin 20 mg.",
    code: "E78.5",
    wrong: {},
  },
  {
    id: "e-hyponatremia",
    chapter: "E",
    note: "82-year-old taking hydrochlorothiazide as prescribed presents with confusion and an unsteady gait. Sodium 121. Assessment: hyponatremia, adverse effect of the thiazide. Stop HCTZ, fluid restriction.",
    code: "E87.1",
    wrong: { bare: "T50.2X5A" },
  },
  {
    id: "e-vitamin-d",
    chapter: "E",
    note: "Diffuse aches and low energy over the winter. 25-hydroxy vitamin D 14 ng/mL, calcium normal. Assessment: vitamin D deficiency. Cholecalciferol 2000 units daily.",
    code: "E55.9",
    wrong: {},
  },
  {
    id: "e-t2dm-hypoglycemia",
    chapter: "E",
    note: "Type 2 diabetic on insulin found sweaty and shaky at work, fingerstick glucose 48, recovered with oral glucose, never lost consciousness. Assessment: hypoglycemia due to type 2 diabetes, without coma.",
    code: "E11.649",
    wrong: { bare: "E16.2" },
  },
  // I: diseases of the circulatory system.
  {
    id: "i-hypertension",
    chapter: "I",
    note: "Blood pressure 152/94 and 148/92 at two visits a month apart. No heart or kidney disease. Assessment: essential hypertension. Start lisinopril 10 mg.",
    code: "I10",
    wrong: {},
  },
  {
    id: "i-nstemi",
    chapter: "I",
    note: "Chest pressure for three hours. Troponin rising to 2.1, ECG with ST depression in V4-V6 and no ST elevation. Assessment: non-ST elevation myocardial infarction. Heparin started, catheterization tomorrow.",
    code: "I21.4",
    wrong: { bare: "I21.9" },
  },
  {
    id: "i-paroxysmal-af",
    chapter: "I",
    note: "Intermittent palpitations. Holter monitor shows episodes of atrial fibrillation that stop on their own within hours. Assessment: paroxysmal atrial fibrillation. Start apixaban.",
    code: "I48.0",
    wrong: {},
  },
  {
    id: "i-chronic-systolic-hf",
    chapter: "I",
    note: "Ischemic cardiomyopathy with ejection fraction 30%, stable on carvedilol and sacubitril-valsartan, no edema today, no history of hypertension. Assessment: chronic systolic heart failure, compensated.",
    code: "I50.22",
    wrong: { bare: "I50.9" },
  },
  {
    id: "i-acute-diastolic-hf",
    chapter: "I",
    note: "Progressive shortness of breath and leg swelling for a week. Echo: ejection fraction 60%, grade II diastolic dysfunction; BNP 890. Never had hypertension. Assessment: acute diastolic heart failure.",
    code: "I50.31",
    wrong: {},
  },
  {
    id: "i-cad",
    chapter: "I",
    note: "Annual cardiology visit. Coronary artery disease of the native vessels seen on CT angiography last year, never stented, no angina or exertional dyspnea. Continue aspirin and statin.",
    code: "I25.10",
    wrong: {},
  },
  {
    id: "i-pulmonary-embolism",
    chapter: "I",
    note: "Sudden pleuritic chest pain and breathlessness the day after a long-haul flight. CT angiogram: segmental embolus in the right lower lobe, right ventricle normal size. Assessment: acute pulmonary embolism without acute cor pulmonale.",
    code: "I26.99",
    wrong: { bare: "I26.93" },
  },
  {
    id: "i-ischemic-stroke",
    chapter: "I",
    note: "Sudden left arm weakness and left facial droop. MRI shows an acute infarct in the right frontal lobe; vessel imaging pending. Assessment: acute ischemic stroke.",
    code: "I63.9",
    wrong: {},
  },
  {
    id: "i-dvt-femoral",
    chapter: "I",
    note: "Right thigh and calf swelling for four days. Duplex ultrasound: acute occlusive thrombus in the right femoral vein. Assessment: acute deep vein thrombosis of the right femoral vein. Start rivaroxaban.",
    code: "I82.411",
    wrong: { guidelines: "I82.401", bare: "I82.401" },
  },
  {
    id: "i-aortic-stenosis",
    chapter: "I",
    note: "Exertional dyspnea and a harsh systolic murmur. Echo: severe calcific aortic stenosis, valve area 0.8 cm2, no rheumatic features. Assessment: nonrheumatic aortic stenosis; refer for valve replacement.",
    code: "I35.0",
    wrong: {},
  },
  // J: diseases of the respiratory system.
  {
    id: "j-pneumonia",
    chapter: "J",
    note: "Fever, productive cough and crackles at the right base. Chest X-ray: right lower lobe consolidation. Sputum culture negative. Assessment: community-acquired pneumonia, organism not identified.",
    code: "J18.9",
    wrong: {},
  },
  {
    id: "j-copd-exacerbation",
    chapter: "J",
    note: "COPD patient with three days of more breathlessness and more sputum, no fever, chest X-ray without infiltrate. Assessment: COPD with acute exacerbation. Prednisone and nebulized bronchodilators.",
    code: "J44.1",
    wrong: {},
  },
  {
    id: "j-asthma-exacerbation",
    chapter: "J",
    note: "Asthma with daily symptoms and night waking every week despite a medium-dose inhaled steroid; now wheezing, peak flow 60% of personal best. Assessment: moderate persistent asthma with acute exacerbation.",
    code: "J45.41",
    wrong: { bare: "J45.901" },
  },
  {
    id: "j-strep-throat",
    chapter: "J",
    note: "Sore throat, fever of 38.6 C, tonsillar exudate and tender anterior cervical nodes. Rapid strep test positive. Assessment: streptococcal pharyngitis. Amoxicillin for 10 days.",
    code: "J02.0",
    wrong: {},
  },
  {
    id: "j-maxillary-sinusitis",
    chapter: "J",
    note: "Pain over both cheeks and purulent nasal discharge for 12 days after a cold, tender maxillary sinuses on palpation. Assessment: acute maxillary sinusitis.",
    code: "J01.00",
    wrong: {},
  },
  {
    id: "j-uri",
    chapter: "J",
    note: "Two days of runny nose, mild sore throat and dry cough, afebrile, lungs clear. Assessment: viral upper respiratory infection. Fluids and rest.",
    code: "J06.9",
    wrong: {},
  },
  {
    id: "j-acute-bronchitis",
    chapter: "J",
    note: "Cough with clear sputum for 10 days, no fever, scattered rhonchi, chest X-ray normal. Assessment: acute bronchitis. Supportive care, no antibiotics.",
    code: "J20.9",
    wrong: {},
  },
  {
    id: "j-hypoxic-respiratory-failure",
    chapter: "J",
    note: "Brought in with oxygen saturation 82% on room air and respiratory rate 32. Arterial blood gas: pO2 52, pCO2 normal. Cause under evaluation. Assessment: acute respiratory failure with hypoxia.",
    code: "J96.01",
    wrong: { bare: "J96.00" },
  },
  {
    id: "j-spontaneous-pneumothorax",
    chapter: "J",
    note: "Tall 24-year-old with sudden left-sided chest pain and breathlessness at rest, no trauma, no lung disease. Chest X-ray: left apical pneumothorax. Assessment: primary spontaneous pneumothorax.",
    code: "J93.11",
    wrong: {},
  },
  {
    id: "j-pollen-rhinitis",
    chapter: "J",
    note: "Sneezing, itchy watery eyes and clear rhinorrhea every spring when the trees pollinate. Assessment: allergic rhinitis due to pollen. Intranasal steroid.",
    code: "J30.1",
    wrong: {},
  },
  // F: mental, behavioral and neurodevelopmental disorders.
  {
    id: "f-mdd-single-moderate",
    chapter: "F",
    note: "Depressed mood, loss of interest, poor sleep and concentration for six weeks, the first such episode, struggling at work, no psychotic features, PHQ-9 score 14. Assessment: major depressive disorder, single episode, moderate.",
    code: "F32.1",
    wrong: { guidelines: "F32.9", bare: "F32.9" },
  },
  {
    id: "f-mdd-recurrent-moderate",
    chapter: "F",
    note: "Third depressive episode in eight years, current symptoms for a month, moderate severity, no psychosis. Assessment: major depressive disorder, recurrent, moderate. Restart sertraline.",
    code: "F33.1",
    wrong: { guidelines: "F32.1", bare: "F32.1" },
  },
  {
    id: "f-gad",
    chapter: "F",
    note: "Excessive worry about work, health and family on most days for over a year, with restlessness, muscle tension and poor sleep. Assessment: generalized anxiety disorder.",
    code: "F41.1",
    wrong: {},
  },
  {
    id: "f-panic",
    chapter: "F",
    note: "Recurrent unexpected attacks of pounding heart, sweating, trembling and fear of dying that peak within minutes; constant worry about the next one; does not avoid places. Assessment: panic disorder without agoraphobia.",
    code: "F41.0",
    wrong: { bare: "F41.9" },
  },
  {
    id: "f-ptsd",
    chapter: "F",
    note: "Nightmares, flashbacks and hypervigilance since a house fire; avoids driving past the street where it happened. Assessment: post-traumatic stress disorder.",
    code: "F43.10",
    wrong: { bare: "F43.11" },
  },
  {
    id: "f-alcohol-dependence",
    chapter: "F",
    note: "Drinks eight to ten beers a day, needs more than before to feel the effect, has failed to cut down, keeps drinking despite abnormal liver tests; no withdrawal signs today. Assessment: alcohol dependence, uncomplicated.",
    code: "F10.20",
    wrong: {},
  },
  {
    id: "f-bipolar-ii",
    chapter: "F",
    note: "Past hypomanic episodes of four to five days with little need for sleep, and several major depressive episodes; never fully manic, never hospitalized. Assessment: bipolar II disorder.",
    code: "F31.81",
    wrong: {},
  },
  {
    id: "f-adhd-inattentive",
    chapter: "F",
    note: "12-year-old whose teachers report careless mistakes, lost homework and distractibility since age 7, at school and at home; not hyperactive or impulsive. Assessment: ADHD, predominantly inattentive type.",
    code: "F90.0",
    wrong: {},
  },
  {
    id: "f-nicotine-cigarettes",
    chapter: "F",
    note: "Smokes a pack of cigarettes a day for 20 years, lights the first within 30 minutes of waking, wants to quit. Assessment: nicotine dependence, cigarettes, uncomplicated. Start varenicline.",
    code: "F17.210",
    wrong: { guidelines: "F17.200", bare: "F17.200" },
  },
  {
    id: "f-adjustment-depressed",
    chapter: "F",
    note: "Low mood, tearfulness and poor sleep that began a month after losing her job; does not meet criteria for major depression. Assessment: adjustment disorder with depressed mood.",
    code: "F43.21",
    wrong: { bare: "F32.A" },
  },
  // S: injuries, where the code carries laterality, a placeholder X and a 7th character for the encounter.
  {
    id: "s-colles-initial",
    chapter: "S",
    note: "68-year-old woman slipped on ice and fell on her outstretched right hand. X-ray: dorsally angulated fracture of the distal radius (Colles'), skin intact. Closed reduction and splint in the emergency department.",
    code: "S52.531A",
    wrong: { guidelines: "S52.501A", bare: "S52.501A" },
  },
  {
    id: "s-lateral-malleolus",
    chapter: "S",
    note: "Inverted his right ankle playing basketball. X-ray: displaced fracture of the lateral malleolus, closed, mortise intact. First visit: posterior splint and orthopedic referral.",
    code: "S82.61XA",
    wrong: { guidelines: "S82.61A", bare: "S82.61" },
  },
  {
    id: "s-ankle-sprain",
    chapter: "S",
    note: "Rolled her right ankle stepping off a curb this morning. Swelling and tenderness around the ankle, Ottawa rules negative, no X-ray needed. Assessment: sprain of the right ankle. Brace, ice, elevation.",
    code: "S93.401A",
    wrong: { bare: "S93.401" },
  },
  {
    id: "s-femoral-neck",
    chapter: "S",
    note: "81-year-old fell at home and cannot bear weight; right leg shortened and externally rotated. X-ray: closed fracture of the right femoral neck. Admitted for hemiarthroplasty.",
    code: "S72.001A",
    wrong: { guidelines: "S72.001", bare: "S72.009A" },
  },
  {
    id: "s-concussion",
    chapter: "S",
    note: "Struck his head on an open cabinet door, brief dizziness and headache, no loss of consciousness, normal neurologic exam, CT head negative. Assessment: concussion without loss of consciousness, first visit.",
    code: "S06.0X0A",
    wrong: { "fine-tune": "S06.0X1A", bare: "S06.0X0" },
  },
  {
    id: "s-hand-laceration",
    chapter: "S",
    note: "Cut the palm of his right hand on a broken glass while washing up: 3 cm laceration, no foreign body on exploration, tendons intact. Repaired with four sutures.",
    code: "S61.411A",
    wrong: { guidelines: "S61.412A", bare: "S61.419A" },
  },
  {
    id: "s-acl-tear",
    chapter: "S",
    note: "Felt a pop in her right knee while skiing, immediate swelling. MRI: partial tear of the anterior cruciate ligament. First orthopedic visit for this injury.",
    code: "S83.511A",
    wrong: { guidelines: "M23.611", bare: "M23.611" },
  },
  {
    id: "s-rib-fracture",
    chapter: "S",
    note: "Fell from a ladder onto his right side. Point tenderness over the right seventh rib; X-ray shows a nondisplaced fracture of that one rib, no pneumothorax. Initial visit.",
    code: "S22.31XA",
    wrong: { guidelines: "S22.39XA", bare: "S22.39XA", "fine-tune": "S22.39XA" },
  },
  {
    id: "s-whiplash",
    chapter: "S",
    note: "Rear-ended at a stoplight yesterday. Neck stiffness and pain, full strength, no midline tenderness, imaging not indicated. Assessment: whiplash sprain of the cervical spine, initial encounter.",
    code: "S13.4XXA",
    wrong: {},
  },
  {
    id: "s-colles-follow-up",
    chapter: "S",
    note: "Cast check three weeks after closed reduction of a right Colles' fracture. X-ray: alignment maintained, healing as expected. Continue the cast for three more weeks.",
    code: "S52.531D",
    wrong: { guidelines: "S52.531A", bare: "S52.531A" },
  },
  // M: diseases of the musculoskeletal system and connective tissue.
  {
    id: "m-knee-oa",
    chapter: "M",
    note: "Right knee pain for years, worse on stairs, with crepitus. X-ray: medial joint space narrowing and osteophytes; the left knee is unaffected. Assessment: primary osteoarthritis of the right knee.",
    code: "M17.11",
    wrong: { guidelines: "M17.9", bare: "M17.9" },
  },
  {
    id: "m-low-back-pain",
    chapter: "M",
    note: "Aching low back pain for two weeks without any injury, no leg symptoms, no red flags, normal neurologic exam. Assessment: low back pain. Stay active, NSAIDs.",
    code: "M54.50",
    wrong: { guidelines: "M54.5", bare: "M54.5" },
  },
  {
    id: "m-lumbar-radiculopathy",
    chapter: "M",
    note: "Shooting pain from the low back down the left leg, positive straight leg raise, reduced left ankle reflex; no imaging yet. Assessment: lumbar radiculopathy.",
    code: "M54.16",
    wrong: { bare: "M54.5" },
  },
  {
    id: "m-rotator-cuff",
    chapter: "M",
    note: "Months of right shoulder pain and weakness lifting overhead, no injury. MRI: rotator cuff tear, not described as complete or partial. Assessment: nontraumatic rotator cuff tear, right shoulder.",
    code: "M75.101",
    wrong: { guidelines: "S46.011A", bare: "M75.100" },
  },
  {
    id: "m-gout-toe",
    chapter: "M",
    note: "Woke with severe pain, redness and swelling of the right big toe joint. Uric acid 9.1, no prior gout treatment. Assessment: acute gout of the right great toe.",
    code: "M10.071",
    wrong: { guidelines: "M10.9", bare: "M10.9" },
  },
  {
    id: "m-osteoporosis",
    chapter: "M",
    note: "67-year-old postmenopausal woman, DEXA T-score -2.8 at the lumbar spine, no fractures. Assessment: age-related osteoporosis without current pathological fracture. Start alendronate.",
    code: "M81.0",
    wrong: {},
  },
  {
    id: "m-trigger-thumb",
    chapter: "M",
    note: "Right thumb catches and locks when she bends it, tender nodule at the base. Assessment: trigger thumb, right. Steroid injection given.",
    code: "M65.311",
    wrong: { guidelines: "M65.30", bare: "M65.30", "fine-tune": "M65.321" },
  },
  {
    id: "m-tennis-elbow",
    chapter: "M",
    note: "Right-handed carpenter with lateral elbow pain when gripping tools, tender over the right lateral epicondyle. Assessment: lateral epicondylitis of the right elbow.",
    code: "M77.11",
    wrong: { guidelines: "M77.10", bare: "M77.10" },
  },
  {
    id: "m-rheumatoid-arthritis",
    chapter: "M",
    note: "Symmetric swelling of the small hand joints with 90 minutes of morning stiffness; rheumatoid factor and anti-CCP pending. Assessment: rheumatoid arthritis. Start methotrexate.",
    code: "M06.9",
    wrong: { "fine-tune": "M05.9", bare: "M06.4" },
  },
  {
    id: "m-plantar-fasciitis",
    chapter: "M",
    note: "Sharp heel pain with the first steps in the morning, tender at the medial plantar heel. Assessment: plantar fasciitis. Stretching and night splint.",
    code: "M72.2",
    wrong: {},
  },
];

/** When a note is not one of the cases: R69, "Illness, unspecified". */
const UNKNOWN_NOTE_CODE = "R69";

const CASE_BY_NOTE = new Map(MEDICAL_CODING_CASES.map((c) => [c.note, c]));

function systemText(req: MockChatRequest): string {
  const system = req.messages.find((m) => m.role === "system");
  return system ? getMessageText(system.content) : "";
}

/** Which candidate is asking: the fine-tune by its model, the prompts by whether the guidelines are pasted. */
function coderOf(req: MockChatRequest): MedicalCoder {
  if (req.model === MEDICAL_CODING_FINE_TUNE) return "fine-tune";
  return /ICD-10-CM Official Guidelines/.test(systemText(req)) ? "guidelines" : "bare";
}

/**
 * The scripted model behind `examples/medical-coding`: finds the case by the note (the last user message, or
 * its part after "Clinical note:") and answers the right code, or the candidate's wrong one from the table.
 */
export const medicalCodingModel: MockRespond = (req) => {
  const text = getLastUserText(req);
  const note = (/Clinical note:\s*([\s\S]*?)\s*(?:\n\nAnswer|$)/.exec(text)?.[1] ?? text).trim();
  const found = CASE_BY_NOTE.get(note);
  const content = found ? (found.wrong[coderOf(req)] ?? found.code) : UNKNOWN_NOTE_CODE;
  return { content, usage: estimateUsage(req, content) };
};
