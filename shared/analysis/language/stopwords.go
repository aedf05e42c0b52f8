package language

import (
	"strings"
	"sync"
)

// lang is a language told apart by its function words.
type lang struct {
	code, name string
	script     script
	// words are frequent function words of the language, lower case,
	// space separated; privacy policies' commonest words ("data",
	// "personal") are among them where the language has its own.
	words string
}

// langEnglish is English's index in langs.
const langEnglish = 0

// langs are the languages told by their words. The lists were written for
// this package; a word may be in several lists.
var langs = [...]lang{
	{"en", "English", latin, `the and of to you your yours we our ours us is are was were for with that this
		these those by be been being may might not it its from have has had will would shall should if can
		could any which such other when where how what who whom whose they them their he she his her about
		at an do does or on as into than then there here also only more most some all each both because
		while upon within without through during before after over under between against until whether
		personal information use used using`},
	{"fr", "French", latin, `le la les des du une et est pour dans vous nous avec sur par qui que ne pas ce
		cette ces aux au sont être vos votre notre nos où il elle ils elles leur leurs mais peut peuvent
		été sa son ses se lorsque afin ainsi données personnelles également selon chez dont très`},
	{"de", "German", latin, `der die das und ist nicht mit für von zu den dem des ein eine einen einer
		einem sie wir ihre ihr ihren ihrer auf auch werden wird oder bei sich durch uns unsere unser unserer
		nach wenn diese dieser dieses können kann sind zur zum über daten personenbezogenen personenbezogene
		es ob wie sowie gemäß wurde wurden`},
	{"es", "Spanish", latin, `el los las y por con para del una su sus usted ustedes nosotros se lo como
		más que en al sobre este esta estos estas pueden puede datos personales también cuando sin sea
		nuestro nuestra nuestros nuestras según dicha dichos tal cual`},
	{"it", "Italian", latin, `il di che gli della dei sono non delle nel nella alla con una per questo
		questa questi anche dati personali possono può più essere nostro nostri nostra suoi sua ai dal
		dalla degli sul sulla tali qualora ovvero presente tuoi`},
	{"pt", "Portuguese", latin, `os da do das dos uma não com seus suas para pelo pela pelos pelas você
		vocês nós são ao aos também quando seu sua dados pessoais mais pode podem como em nossa nosso
		nossos isso este esta estes sobre ou sejam será`},
	{"nl", "Dutch", latin, `het een en van niet voor zijn wij uw worden dat met op te aan ook bij deze
		door naar kunnen wordt onze ons er als gegevens persoonsgegevens hebben heeft zal zullen welke
		waar hoe wanneer`},
	{"sv", "Swedish", latin, `och att det som är för av på med till vi du din dina ditt oss vår våra
		vårt inte om den eller kan har från uppgifter personuppgifter dessa när vid ska också samt hur
		vilka sådana kommer genom behandlar`},
	{"da", "Danish", latin, `og at det som er for af på med til vi du din dine dit os vores ikke om den
		eller kan har fra oplysninger personoplysninger disse når ved skal også hvordan hvis bliver nogle
		være behandler`},
	{"nb", "Norwegian", latin, `og at det som er for av på med til vi du din dine ditt oss vår våre vårt
		ikke om den eller kan har fra opplysninger personopplysninger disse når ved skal også hvordan hvis
		blir noen være behandler`},
	{"fi", "Finnish", latin, `ja on että ei se tai kuin myös voi sinun me meidän jos kun tämä nämä niitä
		tietoja henkilötietoja henkilötietojasi olla ovat voimme mukaan sekä jotka joka niiden käytämme`},
	{"pl", "Polish", latin, `się nie że jest są lub oraz od przez jak dla tym twoje twoich nasze naszych
		danych dane osobowych osobowe może które który która jeśli również po przy oraz także jego jej`},
	{"cs", "Czech", latin, `se na je že jsou nebo také jako jak vaše vašich vás vám naše my údaje údajů
		osobní osobních které který která pokud při podle tyto pro jejich této tento`},
	{"ro", "Romanian", latin, `și în cu pe nu este sunt care sau pentru din ale să dumneavoastră noi datele
		date personale dacă prin acest această fi poate vor fost sale lor`},
	{"hu", "Hungarian", latin, `az és hogy nem egy van vagy meg ha mint ezt azt ez csak által adatok adatait
		adatokat személyes kell lehet amely amelyek számára valamint illetve vagyunk önnek ön`},
	{"tr", "Turkish", latin, `ve bir bu ile için olarak veya gibi daha çok olan kişisel verilerinizi
		verileri verilerin size bizim sizin ancak eğer kadar tarafından ilgili şekilde ise`},
	{"ru", "Russian", cyrillic, `и в не на что с по как мы вы ваши ваших вас вам для или это из к о от
		данные данных персональные персональных если также может наши наших которые который его их при`},
	{"uk", "Ukrainian", cyrillic, `і та що на не для ваші ваших вас вам ми ви або це дані даних персональні
		персональних якщо також може наші які який його їх при з у від`},
	{"bg", "Bulgarian", cyrillic, `и на в за да се от с не че са или като ние вие вашите вас ви данни
		лични личните ако също може нашите които който тези при`},
}

const numLangs = len(langs)

// notForeign are English words that other languages' lists must not
// count, so that English text does not read as another language: the
// English list and other common English words that are also words
// elsewhere ("die", "over", "care", "come", "per", "son").
const notForeign = `a i o in no so me he go up am my an on at do to is or be as by if it we us
	die over care come per son sale are pro men fare data den van`

// stopLists maps every listed word to the set of languages (bit i for
// langs[i]) whose list holds it. It is built on first use, not at start.
var stopLists = sync.OnceValue(func() map[string]uint32 {
	skip := map[string]bool{}
	for _, w := range strings.Fields(notForeign + " " + langs[langEnglish].words) {
		skip[w] = true
	}
	m := map[string]uint32{}
	for i, l := range langs {
		for _, w := range strings.Fields(l.words) {
			if i != langEnglish && skip[w] {
				continue
			}
			m[w] |= 1 << i
		}
	}
	return m
})
