package lambda

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
)

// Event source mappings on self-managed Apache Kafka (SelfManagedEventSource
// with KAFKA_BOOTSTRAP_SERVERS). seki keeps and answers them as Lambda does
// (validation, defaults, duplicates, tags, Get/List/Update/Delete) but runs
// no Kafka client: no broker is contacted and the function is never invoked
// by such a mapping. Its state moves from Creating as any mapping's does,
// and LastProcessingResult stays "No records processed".

// kafkaConf is what a Kafka mapping keeps (stored in its document).
type kafkaConf struct {
	Topics        []string       `json:",omitempty"`
	Brokers       []string       `json:",omitempty"`
	Access        []sourceAccess `json:",omitempty"`
	ConsumerGroup string         `json:",omitempty"`
}

// sourceAccess is one SourceAccessConfiguration: how Lambda would
// authenticate to the brokers (a secret's ARN, kept, not read).
type sourceAccess struct {
	Type string
	URI  string
}

// kafkaIn are CreateEventSourceMapping's members for Kafka.
type kafkaIn struct {
	Topics                            []string
	SourceAccessConfigurations        []sourceAccess
	SelfManagedEventSource            *selfManagedSource
	SelfManagedKafkaEventSourceConfig *kafkaSourceConfig
}

type selfManagedSource struct {
	Endpoints map[string][]string
}

type kafkaSourceConfig struct {
	ConsumerGroupId string `json:",omitempty"`
}

// isKafka reports whether the mapping reads a self-managed Kafka cluster.
func (m *esmRecord) isKafka() bool { return len(m.Brokers) > 0 }

// kafkaOut is EventSourceMappingConfiguration of a Kafka mapping: it has
// no EventSourceArn and none of the batching or stream members.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#TestLambdaEventSourceMappings::test_create_event_source_self_managed (event-source-mapping-default, event-source-mapping-values)
type kafkaOut struct {
	UUID                              string
	BatchSize                         int
	EventSourceMappingArn             string
	FunctionArn                       string
	LastModified                      float64
	LastProcessingResult              string
	SelfManagedEventSource            selfManagedSource
	SelfManagedKafkaEventSourceConfig kafkaSourceConfig
	SourceAccessConfigurations        []sourceAccess
	StartingPosition                  string
	State                             string
	StateTransitionReason             string
	Topics                            []string
	FilterCriteria                    json.RawMessage `json:",omitempty"`
}

func (m *esmRecord) kafkaOut() *kafkaOut {
	o := &kafkaOut{UUID: m.UUID, BatchSize: m.BatchSize, EventSourceMappingArn: m.arn(), FunctionArn: m.FunctionARN,
		LastModified: m.LastModified, LastProcessingResult: "No records processed",
		SelfManagedEventSource:            selfManagedSource{Endpoints: map[string][]string{kafkaServers: m.Brokers}},
		SelfManagedKafkaEventSourceConfig: kafkaSourceConfig{ConsumerGroupId: m.ConsumerGroup},
		SourceAccessConfigurations:        append([]sourceAccess{}, m.Access...),
		StartingPosition:                  m.StartingPosition, State: m.State, StateTransitionReason: "USER_INITIATED",
		Topics: append([]string{}, m.Topics...)}
	if !emptyFilters(m.Filter) {
		o.FilterCriteria = m.Filter
	}
	return o
}

const kafkaServers = "KAFKA_BOOTSTRAP_SERVERS"

// newKafkaESM checks a Kafka mapping's request as AWS does before it looks
// for the function, and builds the mapping with AWS's defaults.
func newKafkaESM(in *esmIn, now time.Time) (*esmRecord, error) {
	brokers := in.SelfManagedEventSource.Endpoints[kafkaServers]
	if len(brokers) == 0 || in.EventSourceArn != nil {
		return nil, errInvalidParameter.New(msgUnrecognizedSource)
	}
	if in.SourceAccessConfigurations == nil {
		return nil, errInvalidParameter.New(msgKafkaNoAccess)
	}
	if len(in.Tags) > maxTags {
		return nil, errInvalidParameter.New(msgTagLimit)
	}
	m := &esmRecord{UUID: protocol.NewUUID(), Account: in.ref.Account, Region: in.ref.Region,
		FunctionARN: in.ref.QualifiedARN(in.ref.Qualifier), BatchSize: 100, Enabled: true,
		ResponseTypes: []string{}, Filter: in.FilterCriteria,
		LastModified: float64(now.UnixMilli()) / 1000, Tags: in.Tags}
	m.Brokers = append([]string{}, brokers...)
	m.Topics = append([]string{}, in.Topics...)
	m.Access = append([]sourceAccess{}, in.SourceAccessConfigurations...)
	m.StartingPosition = "TRIM_HORIZON"
	if in.StartingPosition != nil {
		m.StartingPosition = *in.StartingPosition
	}
	// AWS names the consumer group after the mapping unless told.
	m.ConsumerGroup = m.UUID
	if c := in.SelfManagedKafkaEventSourceConfig; c != nil && c.ConsumerGroupId != "" {
		m.ConsumerGroup = c.ConsumerGroupId
	}
	applyESM(m, in)
	m.State = esmCreating
	if !m.Enabled {
		m.State = esmDisabled
	}
	return m, nil
}

// createKafkaESM creates a mapping on a self-managed Kafka cluster.
func (s *Service) createKafkaESM(ctx context.Context, r *protocol.Request, in *esmIn) (any, error) {
	m, err := newKafkaESM(in, r.Now)
	if err != nil {
		return nil, err
	}
	st, err := s.resolveInvoke(ctx, in.ref)
	if err != nil {
		return nil, err
	}
	if st.err != nil {
		return nil, errInvalidParameter.New(msgESMFunctionMissing)
	}
	existing, err := s.listESM(ctx, m.Account, m.Region)
	if err != nil {
		return nil, err
	}
	// One mapping per function, topic and broker: a new mapping sharing
	// any bootstrap server and topic with another of the function's is
	// refused, naming the request's servers and topics.
	for _, e := range existing {
		if e.State == esmDeleting || e.FunctionARN != m.FunctionARN || !e.isKafka() {
			continue
		}
		if slices.ContainsFunc(m.Brokers, func(b string) bool { return slices.Contains(e.Brokers, b) }) &&
			slices.ContainsFunc(m.Topics, func(t string) bool { return slices.Contains(e.Topics, t) }) {
			return nil, errConflict.Errorf(msgKafkaExists, strings.Join(m.Brokers, ","), m.FunctionARN, strings.Join(m.Topics, ","), e.UUID)
		}
	}
	if err := s.saveESM(ctx, m); err != nil {
		return nil, err
	}
	s.settle(m.UUID)
	return m.out(), nil
}
