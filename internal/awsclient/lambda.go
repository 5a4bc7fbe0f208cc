package awsclient

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Lambda speaks REST-JSON under /2015-03-31.

const lambdaPrefix = "/2015-03-31/functions"

func (c *Client) lambda(ctx context.Context, op, method, path string, q url.Values, in, out any) (string, error) {
	return c.restJSON(ctx, "lambda", op, method, lambdaPrefix+path, q, in, out)
}

// Function is a function's configuration, as far as seki's commands read
// it.
type Function struct {
	FunctionName, FunctionArn, Role, Runtime string
	Version                                  string
	State, StateReason                       string
}

// lambdaPages reads every page of a Lambda list (Marker/NextMarker). On an
// error it returns the pages read so far with it.
func lambdaPages[T any](ctx context.Context, c *Client, op, path string, items func(page *T) (list int, next string)) error {
	marker := ""
	for {
		var page T
		q := url.Values{}
		if marker != "" {
			q.Set("Marker", marker)
		}
		if _, err := c.lambda(ctx, op, http.MethodGet, path, q, nil, &page); err != nil {
			return err
		}
		n, next := items(&page)
		if n == 0 || next == "" || next == marker {
			return nil
		}
		marker = next
	}
}

// ListFunctions returns every function ($LATEST), page by page. On an error
// it returns the pages read so far with it.
func (c *Client) ListFunctions(ctx context.Context) ([]Function, error) {
	var fs []Function
	type page struct {
		Functions  []Function
		NextMarker string
	}
	err := lambdaPages(ctx, c, "ListFunctions", "/", func(p *page) (int, string) {
		fs = append(fs, p.Functions...)
		return len(p.Functions), p.NextMarker
	})
	return fs, err
}

// ListAliases returns the names of a function's aliases.
func (c *Client) ListAliases(ctx context.Context, function string) ([]string, error) {
	var names []string
	type page struct {
		Aliases    []struct{ Name string }
		NextMarker string
	}
	err := lambdaPages(ctx, c, "ListAliases", "/"+escape(function)+"/aliases", func(p *page) (int, string) {
		for _, a := range p.Aliases {
			names = append(names, a.Name)
		}
		return len(p.Aliases), p.NextMarker
	})
	return names, err
}

// ListVersionsByFunction returns a function's versions, $LATEST included.
func (c *Client) ListVersionsByFunction(ctx context.Context, function string) ([]string, error) {
	var vs []string
	type page struct {
		Versions   []Function
		NextMarker string
	}
	err := lambdaPages(ctx, c, "ListVersionsByFunction", "/"+escape(function)+"/versions", func(p *page) (int, string) {
		for _, v := range p.Versions {
			vs = append(vs, v.Version)
		}
		return len(p.Versions), p.NextMarker
	})
	return vs, err
}

// GetFunctionPolicy returns the resource-based policy of a function, or
// of one of its versions or aliases when qualifier is not empty.
func (c *Client) GetFunctionPolicy(ctx context.Context, function, qualifier string) (string, error) {
	var q url.Values
	if qualifier != "" {
		q = url.Values{"Qualifier": {qualifier}}
	}
	var out struct{ Policy string }
	_, err := c.lambda(ctx, "GetPolicy", http.MethodGet, "/"+escape(function)+"/policy", q, nil, &out)
	return out.Policy, err
}

// GetFunction returns a function's configuration.
func (c *Client) GetFunction(ctx context.Context, function string) (*Function, error) {
	var out struct{ Configuration Function }
	if _, err := c.lambda(ctx, "GetFunction", http.MethodGet, "/"+escape(function), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Configuration, nil
}

// DeleteFunction deletes a function, every version included.
func (c *Client) DeleteFunction(ctx context.Context, function string) error {
	_, err := c.lambda(ctx, "DeleteFunction", http.MethodDelete, "/"+escape(function), nil, nil, nil)
	return err
}

// CreateFunctionInput is lambda:CreateFunction's input, as far as seki's
// commands use it; the zip is sent inline.
type CreateFunctionInput struct {
	FunctionName, Runtime, Handler, Role string
	Timeout                              int               `json:",omitempty"`
	Environment                          map[string]string `json:"-"`
	ZipFile                              []byte            `json:"-"`
}

// CreateFunction creates a function from a zip.
func (c *Client) CreateFunction(ctx context.Context, in CreateFunctionInput) (*Function, error) {
	body := struct {
		CreateFunctionInput
		Code        struct{ ZipFile []byte }
		Environment *struct{ Variables map[string]string } `json:",omitempty"`
	}{CreateFunctionInput: in}
	body.Code.ZipFile = in.ZipFile
	if in.Environment != nil {
		body.Environment = &struct{ Variables map[string]string }{in.Environment}
	}
	var out Function
	if _, err := c.lambda(ctx, "CreateFunction", http.MethodPost, "", nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitFunctionActive polls GetFunction until the function is Active (the
// SDK's FunctionActiveV2 waiter), for at most max; a Failed state ends the
// wait with its reason.
func (c *Client) WaitFunctionActive(ctx context.Context, function string, max time.Duration) error {
	return poll(ctx, max, func() (bool, error) {
		f, err := c.GetFunction(ctx, function)
		if err != nil {
			return false, err
		}
		if f.State == "Failed" {
			return false, errors.New("the function's state is Failed: " + f.StateReason)
		}
		return f.State == "Active", nil
	})
}

// Permission is lambda:AddPermission's input.
type Permission struct {
	StatementId, Action, Principal string
	SourceArn, SourceAccount       string `json:",omitempty"`
}

// AddPermission adds a statement to a function's resource-based policy
// and returns it as JSON.
func (c *Client) AddPermission(ctx context.Context, function string, p Permission) (string, error) {
	var out struct{ Statement string }
	_, err := c.lambda(ctx, "AddPermission", http.MethodPost, "/"+escape(function)+"/policy", nil, p, &out)
	return out.Statement, err
}
