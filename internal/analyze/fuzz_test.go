package analyze

import "testing"

// FuzzExport feeds arbitrary files to the --from reader and analyses what
// it accepts: untrusted exports must never crash the analysis.
func FuzzExport(f *testing.F) {
	f.Add("auth.json", []byte(`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111111111111:role/r","AssumeRolePolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D","RolePolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]}]}`))
	f.Add("functions.json", []byte(`{"Functions":[{"FunctionName":"f","FunctionArn":"arn:aws:lambda:us-east-1:111111111111:function:f","Role":"arn:aws:iam::111111111111:role/r"}]}`))
	f.Add("p.json", []byte(`{"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:*\",\"Resource\":\"arn:aws:lambda:us-east-1:111111111111:function:f:1\"}]}"}`))
	f.Add("uploads.notification.json", []byte(`{"LambdaFunctionConfigurations":[{"LambdaFunctionArn":"x"}]}`))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		x := &Export{Notifications: map[string]NotificationConfig{}}
		// Seed the account with the fuzzed file beside fixed ones, so that
		// the analysis has something to cross.
		x.add("functions.json", []byte(`{"Functions":[{"FunctionName":"f","FunctionArn":"arn:aws:lambda:us-east-1:111111111111:function:f","Role":"arn:aws:iam::111111111111:role/r"}]}`))
		if x.add(name, b) != nil {
			return
		}
		Analyze(Build(x), nil)
	})
}
