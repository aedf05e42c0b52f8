package language_test

import (
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/language"
)

// Sentences written for this test, in the style of a privacy policy.
var samples = map[string]string{
	"en": "We collect the information you give us when you create an account, and we use it to run the service and to keep it secure.",
	"fr": "Nous collectons les données que vous nous fournissez lorsque vous créez un compte, et nous les utilisons pour assurer le service.",
	"de": "Wir erheben die Daten, die Sie uns bei der Erstellung eines Kontos mitteilen, und verwenden sie für den Betrieb des Dienstes.",
	"es": "Recopilamos los datos que usted nos proporciona cuando crea una cuenta y los usamos para prestar el servicio y para su seguridad.",
	"it": "Raccogliamo i dati che ci fornisci quando crei un account e li utilizziamo per gestire il servizio e per la sua sicurezza.",
	"pt": "Coletamos os dados que você nos fornece quando cria uma conta e os usamos para prestar o serviço e para a sua segurança.",
	"nl": "Wij verzamelen de gegevens die u ons geeft wanneer u een account aanmaakt, en wij gebruiken deze voor onze dienst.",
	"sv": "Vi samlar in de uppgifter som du ger oss när du skapar ett konto, och vi använder dem för att driva tjänsten.",
	"da": "Vi indsamler de oplysninger, som du giver os, når du opretter en konto, og vi bruger dem til at drive vores tjeneste.",
	"nb": "Vi samler inn opplysningene som du gir oss når du oppretter en konto, og vi bruker dem til å drive våre tjenester.",
	"fi": "Keräämme tietoja, jotka annat meille, kun luot tilin, ja käytämme niitä palvelun tarjoamiseen sekä sen turvallisuuteen.",
	"pl": "Zbieramy dane, które nam przekazujesz podczas zakładania konta, oraz wykorzystujemy je przy świadczeniu usługi, jeśli jest to potrzebne.",
	"cs": "Shromažďujeme údaje, které nám poskytnete při vytvoření účtu, a používáme je pro provoz služby, pokud je to nutné.",
	"ro": "Colectăm datele pe care ni le furnizați atunci când creați un cont și le folosim pentru a furniza serviciul, dacă este necesar.",
	"hu": "Gyűjtjük azokat az adatokat, amelyeket ön megad a fiók létrehozásakor, és ezeket a szolgáltatás működtetésére használjuk, ha szükséges.",
	"tr": "Bir hesap oluşturduğunuzda bize verdiğiniz kişisel verileri topluyoruz ve bu verileri hizmeti sunmak için kullanıyoruz.",
	"ru": "Мы собираем данные, которые вы предоставляете нам при создании учетной записи, и используем их для работы сервиса.",
	"uk": "Ми збираємо дані, які ви надаєте нам під час створення облікового запису, і використовуємо їх для роботи сервісу.",
	"bg": "Ние събираме данните, които вие ни предоставяте при създаване на профил, и ги използваме за работата на услугата.",
	"el": "Συλλέγουμε τα στοιχεία που μας δίνετε όταν δημιουργείτε λογαριασμό και τα χρησιμοποιούμε για τη λειτουργία της υπηρεσίας.",
	"ar": "نجمع المعلومات التي تقدمها لنا عند إنشاء حساب ونستخدمها لتشغيل الخدمة.",
	"he": "אנו אוספים את המידע שאתה מוסר לנו בעת יצירת חשבון ומשתמשים בו להפעלת השירות.",
	"hi": "जब आप खाता बनाते हैं तो हम आपके द्वारा दी गई जानकारी एकत्र करते हैं।",
	"th": "เราเก็บรวบรวมข้อมูลที่คุณให้ไว้เมื่อคุณสร้างบัญชี",
	"ko": "귀하가 계정을 만들 때 제공하는 정보를 수집하고 서비스 운영에 사용합니다.",
	"ja": "お客様がアカウントを作成する際に提供された情報を収集し、サービスの運営に利用します。",
	"zh": "我们收集您在创建账户时提供的信息，并将其用于运营服务。",
}

func TestDetect(t *testing.T) {
	for code, text := range samples {
		if got := language.Detect(text); got != code {
			t.Errorf("Detect(%.40q) = %q, want %q", text, got, code)
		}
	}
	supported := strings.Join(language.Supported(), " ")
	for code := range samples {
		if !strings.Contains(" "+supported+" ", " "+code+" ") {
			t.Errorf("Supported() = %q lacks %q", supported, code)
		}
		if language.Name(code) == code {
			t.Errorf("Name(%q) has no name", code)
		}
	}
}

// Too little text names no language.
func TestDetectUndetermined(t *testing.T) {
	for _, text := range []string{"", "   ", "12345 678", "Acme Inc.", "privacy@example.com https://example.com/privacy", "— • —"} {
		if got := language.Detect(text); got != "" {
			t.Errorf("Detect(%q) = %q, want \"\"", text, got)
		}
	}
}

// A policy is told by all its clauses together: an English policy with a
// section in Spanish is English, and a French one with English headings is
// French.
func TestCounterAcrossClauses(t *testing.T) {
	var c language.Counter
	for range 5 {
		c.Add(samples["en"])
	}
	c.Add(samples["es"])
	c.Add("Contact")
	if got := c.Language(); got != "en" {
		t.Errorf("English policy with a Spanish clause: %q", got)
	}
	var f language.Counter
	for _, s := range []string{"Privacy Policy", samples["fr"], "Cookies", samples["fr"], "Contact us"} {
		f.Add(s)
	}
	if got := f.Language(); got != "fr" {
		t.Errorf("French policy with English headings: %q", got)
	}
}

func TestReadsAsEnglish(t *testing.T) {
	for text, want := range map[string]bool{
		samples["en"]: true,
		"Contact us":  true,
		"Acme Ltd, 12 Harbour Street, Springfield":  true,
		"Cookies; Analytics; Advertising; Security": true,
		// English clauses whose short words are words elsewhere too.
		"Do not sell or share my personal information: you can opt out at any time, and we will honour it.":              true,
		"If you are a resident of the EU, you have the right to object to processing based on our legitimate interests.": true,
		"We use la carte blanche cookies (the name of our French partner, Société des Données) on our site.":             true,
		samples["fr"]: false,
		samples["de"]: false,
		samples["es"]: false,
		samples["ru"]: false,
		samples["zh"]: false,
	} {
		if got := language.ReadsAsEnglish(text); got != want {
			t.Errorf("ReadsAsEnglish(%.50q) = %v, want %v", text, got, want)
		}
	}
}

// BenchmarkCounter counts the words of a policy-sized English text (about
// 30 KB), as analyze does for every policy.
func BenchmarkCounter(b *testing.B) {
	text := strings.Repeat(samples["en"]+" ", 240)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		var c language.Counter
		c.Add(text)
		if c.Language() != "en" {
			b.Fatal("not English")
		}
	}
}
