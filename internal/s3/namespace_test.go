package s3

import "testing"

// TestWithNamespace: stored configurations are answered in S3's namespace,
// as S3 answers them, whatever the root element's form.
func TestWithNamespace(t *testing.T) {
	for in, want := range map[string]string{
		`<CORSConfiguration><CORSRule></CORSRule></CORSConfiguration>`: `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule></CORSRule></CORSConfiguration>`,
		`<BucketLoggingStatus/>`:                                  `<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`,
		`<A xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></A>`: `<A xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></A>`,
		`<A b="c"></A>`:                                           `<A xmlns="http://s3.amazonaws.com/doc/2006-03-01/" b="c"></A>`,
	} {
		if got := string(withNamespace([]byte(in))); got != want {
			t.Errorf("withNamespace(%s) = %s, want %s", in, got, want)
		}
	}
}
