package iam

import (
	"context"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Service-linked roles: roles a service creates in an account to act in it.
// AWS names them AWSServiceRoleFor + a name of the service's choosing, puts
// them under /aws-service-role/SERVICE/, and trusts only the service.

// slrNames maps a service principal to the name its role takes after
// "AWSServiceRoleFor".
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_lifecycle (describe-response RoleName of each service)
var slrNames = map[string]string{
	"accountdiscovery.ssm.amazonaws.com":              "AmazonSSM_AccountDiscovery",
	"acm.amazonaws.com":                               "CertificateManager",
	"appmesh.amazonaws.com":                           "AppMesh",
	"autoscaling-plans.amazonaws.com":                 "AutoScalingPlans_EC2AutoScaling",
	"autoscaling.amazonaws.com":                       "AutoScaling",
	"backup.amazonaws.com":                            "Backup",
	"batch.amazonaws.com":                             "Batch",
	"cassandra.application-autoscaling.amazonaws.com": "ApplicationAutoScaling_CassandraTable",
	"cks.kms.amazonaws.com":                           "KeyManagementServiceCustomKeyStores",
	"cloudtrail.amazonaws.com":                        "CloudTrail",
	"codestar-notifications.amazonaws.com":            "CodeStarNotifications",
	"config.amazonaws.com":                            "Config",
	"connect.amazonaws.com":                           "AmazonConnect",
	"dms-fleet-advisor.amazonaws.com":                 "DMSFleetAdvisor",
	"dms.amazonaws.com":                               "DMSServerless",
	"docdb-elastic.amazonaws.com":                     "DocDB-Elastic",
	"ec2-instance-connect.amazonaws.com":              "Ec2InstanceConnect",
	"ec2.application-autoscaling.amazonaws.com":       "ApplicationAutoScaling_EC2SpotFleetRequest",
	"ecr.amazonaws.com":                               "ECRTemplate",
	"ecs.amazonaws.com":                               "ECS",
	"eks-connector.amazonaws.com":                     "AmazonEKSConnector",
	"eks-fargate.amazonaws.com":                       "AmazonEKSForFargate",
	"eks-nodegroup.amazonaws.com":                     "AmazonEKSNodegroup",
	"eks.amazonaws.com":                               "AmazonEKS",
	"elasticache.amazonaws.com":                       "ElastiCache",
	"elasticbeanstalk.amazonaws.com":                  "ElasticBeanstalk",
	"elasticfilesystem.amazonaws.com":                 "AmazonElasticFileSystem",
	"elasticloadbalancing.amazonaws.com":              "ElasticLoadBalancing",
	"email.cognito-idp.amazonaws.com":                 "AmazonCognitoIdpEmailService",
	"emr-containers.amazonaws.com":                    "AmazonEMRContainers",
	"emrwal.amazonaws.com":                            "EMRWAL",
	"fis.amazonaws.com":                               "FIS",
	"grafana.amazonaws.com":                           "AmazonGrafana",
	"imagebuilder.amazonaws.com":                      "ImageBuilder",
	"iotmanagedintegrations.amazonaws.com":            "IoTManagedIntegrations",
	"kafka.amazonaws.com":                             "Kafka",
	"kafkaconnect.amazonaws.com":                      "KafkaConnect",
	"lakeformation.amazonaws.com":                     "LakeFormationDataAccess",
	"lex.amazonaws.com":                               "LexBots",
	"lexv2.amazonaws.com":                             "LexV2Bots",
	"lightsail.amazonaws.com":                         "Lightsail",
	"m2.amazonaws.com":                                "AWSM2",
	"memorydb.amazonaws.com":                          "MemoryDB",
	"mq.amazonaws.com":                                "AmazonMQ",
	"mrk.kms.amazonaws.com":                           "KeyManagementServiceMultiRegionKeys",
	"notifications.amazonaws.com":                     "AwsUserNotifications",
	"observability.aoss.amazonaws.com":                "AmazonOpenSearchServerless",
	"opensearchservice.amazonaws.com":                 "AmazonOpenSearchService",
	"ops.apigateway.amazonaws.com":                    "APIGateway",
	"ops.emr-serverless.amazonaws.com":                "AmazonEMRServerless",
	"opsdatasync.ssm.amazonaws.com":                   "SystemsManagerOpsDataSync",
	"opsinsights.ssm.amazonaws.com":                   "AmazonSSM_OpsInsights",
	"pullthroughcache.ecr.amazonaws.com":              "ECRPullThroughCache",
	"ram.amazonaws.com":                               "ResourceAccessManager",
	"rds.amazonaws.com":                               "RDS",
	"redshift.amazonaws.com":                          "Redshift",
	"replication.cassandra.amazonaws.com":             "KeyspacesReplication",
	"replication.ecr.amazonaws.com":                   "ECRReplication",
	"repository.sync.codeconnections.amazonaws.com":   "GitSync",
	"resource-explorer-2.amazonaws.com":               "ResourceExplorer",
	"rolesanywhere.amazonaws.com":                     "RolesAnywhere",
	"s3-outposts.amazonaws.com":                       "S3OnOutposts",
	"ses.amazonaws.com":                               "AmazonSES",
	"shield.amazonaws.com":                            "AWSShield",
	"ssm-incidents.amazonaws.com":                     "IncidentManager",
	"ssm-quicksetup.amazonaws.com":                    "SSMQuickSetup",
	"ssm.amazonaws.com":                               "AmazonSSM",
	"sso.amazonaws.com":                               "SSO",
	"vpcorigin.cloudfront.amazonaws.com":              "CloudFrontVPCOrigin",
	"waf.amazonaws.com":                               "WAFLogging",
	"wafv2.amazonaws.com":                             "WAFV2Logging",
}

// slrPolicies names the AWS managed policy (under /aws-service-role/) that
// AWS attaches to each service's linked role.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_lifecycle (attached-role-policies of each service)
var slrPolicies = map[string]string{
	"accountdiscovery.ssm.amazonaws.com":              "AWSSystemsManagerAccountDiscoveryServicePolicy",
	"acm.amazonaws.com":                               "CertificateManagerServiceRolePolicy",
	"appmesh.amazonaws.com":                           "AWSAppMeshServiceRolePolicy",
	"autoscaling-plans.amazonaws.com":                 "AWSAutoScalingPlansEC2AutoScalingPolicy",
	"autoscaling.amazonaws.com":                       "AutoScalingServiceRolePolicy",
	"backup.amazonaws.com":                            "AWSBackupServiceLinkedRolePolicyForBackup",
	"batch.amazonaws.com":                             "BatchServiceRolePolicy",
	"cassandra.application-autoscaling.amazonaws.com": "AWSApplicationAutoscalingCassandraTablePolicy",
	"cks.kms.amazonaws.com":                           "AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy",
	"cloudtrail.amazonaws.com":                        "CloudTrailServiceRolePolicy",
	"codestar-notifications.amazonaws.com":            "AWSCodeStarNotificationsServiceRolePolicy",
	"config.amazonaws.com":                            "AWSConfigServiceRolePolicy",
	"connect.amazonaws.com":                           "AmazonConnectServiceLinkedRolePolicy",
	"dms-fleet-advisor.amazonaws.com":                 "AWSDMSFleetAdvisorServiceRolePolicy",
	"dms.amazonaws.com":                               "AWSDMSServerlessServiceRolePolicy",
	"docdb-elastic.amazonaws.com":                     "AmazonDocDB-ElasticServiceRolePolicy",
	"ec2-instance-connect.amazonaws.com":              "Ec2InstanceConnectEndpoint",
	"ec2.application-autoscaling.amazonaws.com":       "AWSApplicationAutoscalingEC2SpotFleetRequestPolicy",
	"ecr.amazonaws.com":                               "ECRTemplateServiceRolePolicy",
	"ecs.amazonaws.com":                               "AmazonECSServiceRolePolicy",
	"eks-connector.amazonaws.com":                     "AmazonEKSConnectorServiceRolePolicy",
	"eks-fargate.amazonaws.com":                       "AmazonEKSForFargateServiceRolePolicy",
	"eks-nodegroup.amazonaws.com":                     "AWSServiceRoleForAmazonEKSNodegroup",
	"eks.amazonaws.com":                               "AmazonEKSServiceRolePolicy",
	"elasticache.amazonaws.com":                       "ElastiCacheServiceRolePolicy",
	"elasticbeanstalk.amazonaws.com":                  "AWSElasticBeanstalkServiceRolePolicy",
	"elasticfilesystem.amazonaws.com":                 "AmazonElasticFileSystemServiceRolePolicy",
	"elasticloadbalancing.amazonaws.com":              "AWSElasticLoadBalancingServiceRolePolicy",
	"email.cognito-idp.amazonaws.com":                 "AmazonCognitoIdpEmailServiceRolePolicy",
	"emr-containers.amazonaws.com":                    "AmazonEMRContainersServiceRolePolicy",
	"emrwal.amazonaws.com":                            "EMRDescribeClusterPolicyForEMRWAL",
	"fis.amazonaws.com":                               "AmazonFISServiceRolePolicy",
	"grafana.amazonaws.com":                           "AmazonGrafanaServiceLinkedRolePolicy",
	"imagebuilder.amazonaws.com":                      "AWSServiceRoleForImageBuilder",
	"iotmanagedintegrations.amazonaws.com":            "AWSIoTManagedIntegrationsRolePolicy",
	"kafka.amazonaws.com":                             "KafkaServiceRolePolicy",
	"kafkaconnect.amazonaws.com":                      "KafkaConnectServiceRolePolicy",
	"lakeformation.amazonaws.com":                     "LakeFormationDataAccessServiceRolePolicy",
	"lex.amazonaws.com":                               "AmazonLexBotPolicy",
	"lexv2.amazonaws.com":                             "AmazonLexV2BotPolicy",
	"lightsail.amazonaws.com":                         "LightsailExportAccess",
	"m2.amazonaws.com":                                "AWSM2ServicePolicy",
	"memorydb.amazonaws.com":                          "MemoryDBServiceRolePolicy",
	"mq.amazonaws.com":                                "AmazonMQServiceRolePolicy",
	"mrk.kms.amazonaws.com":                           "AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy",
	"notifications.amazonaws.com":                     "AWSUserNotificationsServiceLinkedRolePolicy",
	"observability.aoss.amazonaws.com":                "AmazonOpenSearchServerlessServiceRolePolicy",
	"opensearchservice.amazonaws.com":                 "AmazonOpenSearchServiceRolePolicy",
	"ops.apigateway.amazonaws.com":                    "APIGatewayServiceRolePolicy",
	"ops.emr-serverless.amazonaws.com":                "AmazonEMRServerlessServiceRolePolicy",
	"opsdatasync.ssm.amazonaws.com":                   "AWSSystemsManagerOpsDataSyncServiceRolePolicy",
	"opsinsights.ssm.amazonaws.com":                   "AWSSSMOpsInsightsServiceRolePolicy",
	"pullthroughcache.ecr.amazonaws.com":              "AWSECRPullThroughCache_ServiceRolePolicy",
	"ram.amazonaws.com":                               "AWSResourceAccessManagerServiceRolePolicy",
	"rds.amazonaws.com":                               "AmazonRDSServiceRolePolicy",
	"redshift.amazonaws.com":                          "AmazonRedshiftServiceLinkedRolePolicy",
	"replication.cassandra.amazonaws.com":             "KeyspacesReplicationServiceRolePolicy",
	"replication.ecr.amazonaws.com":                   "ECRReplicationServiceRolePolicy",
	"repository.sync.codeconnections.amazonaws.com":   "AWSGitSyncServiceRolePolicy",
	"resource-explorer-2.amazonaws.com":               "AWSResourceExplorerServiceRolePolicy",
	"rolesanywhere.amazonaws.com":                     "AWSRolesAnywhereServicePolicy",
	"s3-outposts.amazonaws.com":                       "AWSS3OnOutpostsServiceRolePolicy",
	"ses.amazonaws.com":                               "AmazonSESServiceRolePolicy",
	"shield.amazonaws.com":                            "AWSShieldServiceRolePolicy",
	"ssm-incidents.amazonaws.com":                     "AWSIncidentManagerServiceRolePolicy",
	"ssm-quicksetup.amazonaws.com":                    "SSMQuickSetupRolePolicy",
	"ssm.amazonaws.com":                               "AmazonSSMServiceRolePolicy",
	"sso.amazonaws.com":                               "AWSSSOServiceRolePolicy",
	"vpcorigin.cloudfront.amazonaws.com":              "AWSCloudFrontVPCOriginServiceRolePolicy",
	"waf.amazonaws.com":                               "WAFLoggingServiceRolePolicy",
	"wafv2.amazonaws.com":                             "WAFV2LoggingServiceRolePolicy",
}

// slrSuffixAllowed are the services that accept a CustomSuffix.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_lifecycle_custom_suffix
var slrSuffixAllowed = map[string]bool{
	"autoscaling.amazonaws.com": true,
	"connect.amazonaws.com":     true,
	"lexv2.amazonaws.com":       true,
}

// Messages of CreateServiceLinkedRole.
const (
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_lifecycle_custom_suffix_not_allowed
	msgSuffixNotAllowed = "Custom suffix is not allowed for %s"
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_already_exists
	msgSLRTaken = "Service role name %s has been taken in this account, please try a different suffix."
	// source: unconfirmed a service principal seki cannot place; AWS only creates roles for services it knows
	msgSLRUnknownService = "Invalid service name: %s"
)

// ruleServiceName and ruleCustomSuffix are from botocore's IAM model
// (groupNameType and customSuffixType).
var (
	ruleServiceName  = rule{1, 128, `[\w+=,.@-]+`, ruleUserName.match}
	ruleCustomSuffix = rule{1, 64, `[\w+=,.@-]+`, ruleUserName.match}
)

func parseCreateServiceLinkedRole(p *params, in *input) {
	in.Service = p.required("AWSServiceName", ruleServiceName)
	in.Description, in.HasDescription = p.optional("Description", ruleRoleDescription)
	in.Suffix, _ = p.optional("CustomSuffix", ruleCustomSuffix)
}

// slrName is the role name of service's linked role, and whether seki can
// name it. A service outside the table but named like a service principal
// gets AWSServiceRoleFor + its first label with a capital letter, the
// pattern most of the table follows.
func slrName(service, suffix string) (string, bool) {
	name, ok := slrNames[service]
	if !ok {
		first, rest, found := strings.Cut(service, ".")
		if !found || !strings.HasSuffix(rest, "amazonaws.com") || first == "" {
			return "", false
		}
		name = strings.ToUpper(first[:1]) + first[1:]
	}
	name = "AWSServiceRoleFor" + name
	if suffix != "" {
		name += "_" + suffix
	}
	return name, true
}

// slrTrust is the trust policy AWS gives a service-linked role.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_lifecycle (AssumeRolePolicyDocument)
func slrTrust(service string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
}

func slrPath(service string) string { return "/aws-service-role/" + service + "/" }

// slrPolicyARN is the ARN of the managed policy AWS attaches to service's
// linked role, when seki knows it.
func slrPolicyARN(service string) (string, bool) {
	name, ok := slrPolicies[service]
	return "arn:aws:iam::aws:policy/aws-service-role/" + name, ok
}

// targetServiceLinkedRole names the role the request would create, and
// gives policies iam:AWSServiceName to condition on.
func (s *Service) targetServiceLinkedRole(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	keys(r).Set("iam:AWSServiceName", in.Service)
	name, ok := slrName(in.Service, in.Suffix)
	if !ok {
		name = in.Service
	}
	return protocol.Target{Resource: entityARN(r.Account(), "role", slrPath(in.Service), name)}, nil
}

func (s *Service) createServiceLinkedRole(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	name, ok := slrName(in.Service, in.Suffix)
	if !ok {
		return nil, errInvalidInput.Errorf(msgSLRUnknownService, in.Service)
	}
	if in.Suffix != "" && !slrSuffixAllowed[in.Service] {
		return nil, errInvalidInput.Errorf(msgSuffixNotAllowed, in.Service)
	}
	role := &roleRec{
		ID: newID("AROA", 17), Account: r.Account(), Name: name, Path: slrPath(in.Service),
		Created: s.clock(), Trust: slrTrust(in.Service), Description: in.Description, MaxSession: defaultMaxSession,
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		if err := s.ensureAccountRow(tx, role.Account); err != nil {
			return err
		}
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_roles WHERE account = ? AND name_lc = ?`, role.Account, lower(role.Name)); err != nil {
			return err
		} else if n > 0 {
			return errInvalidInput.Errorf(msgSLRTaken, role.Name)
		}
		if _, err := tx.Exec(`INSERT INTO iam_roles (id, account, name, name_lc, path, created, trust, description, max_session)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			role.ID, role.Account, role.Name, lower(role.Name), role.Path, fmtTime(role.Created), role.Trust,
			role.Description, role.MaxSession); err != nil {
			return err
		}
		if arn, ok := slrPolicyARN(in.Service); ok {
			_, err := tx.Exec(`INSERT INTO iam_attachments (owner, account, policy_arn, seq) VALUES (?, ?, ?, 1)`, role.ID, role.Account, arn)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	x := roleXML(role, true)
	x.RoleLastUsed = nil
	return &roleResult{Role: x}, nil
}

// Deleting a service-linked role. AWS deletes it in the background and
// hands back a task id to poll; seki deletes it at once, so every task it
// issued has SUCCEEDED.

// source: unconfirmed DeleteServiceLinkedRole on a role outside /aws-service-role/; AWS only deletes service-linked roles this way
const msgNotServiceLinked = "Role %s is not a service-linked role."

// source: unconfirmed a DeletionTaskId seki did not issue
const msgBadDeletionTask = "Invalid deletion task id: %s"

// ruleDeletionTask is DeletionTaskIdType of botocore's IAM model.
var ruleDeletionTask = rule{1, 1000, "", nil}

func parseDeletionTask(p *params, in *input) {
	in.Service = p.required("DeletionTaskId", ruleDeletionTask)
}

func (s *Service) deleteServiceLinkedRole(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	role, err := s.role(ctx, r.Account(), in.RoleName)
	if err != nil {
		return nil, err
	}
	if role == nil {
		return nil, noSuchRole(in.RoleName)
	}
	if !strings.HasPrefix(role.Path, "/aws-service-role/") {
		return nil, errInvalidInput.Errorf(msgNotServiceLinked, role.Name)
	}
	// The service's own policy goes with the role; anything else attached
	// by hand must be detached first, as for DeleteRole.
	err = s.updateRoleRow(ctx, r.Account(), in.RoleName, func(tx *store.Tx, role *roleRec) error {
		service := strings.TrimSuffix(strings.TrimPrefix(role.Path, "/aws-service-role/"), "/")
		if arn, ok := slrPolicyARN(service); ok {
			if _, err := tx.Exec(`DELETE FROM iam_attachments WHERE owner = ? AND policy_arn = ?`, role.ID, arn); err != nil {
				return err
			}
		}
		return dropRole(tx, role)
	})
	if err != nil {
		return nil, err
	}
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_deletion (DeletionTaskId)
	task := "task" + role.Path + role.Name + "/" + protocol.NewUUID()
	return &struct {
		DeletionTaskID string `xml:"DeletionTaskId"`
	}{task}, nil
}

// deletionTaskRole reads the role ARN a task id names:
// task/aws-service-role/SERVICE/NAME/UUID.
func deletionTaskRole(account, task string) (string, bool) {
	rest, ok := strings.CutPrefix(task, "task/aws-service-role/")
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || len(parts[2]) != 36 {
		return "", false
	}
	return entityARN(account, "role", slrPath(parts[0]), parts[1]), true
}

func (s *Service) targetDeletionTask(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	if arn, ok := deletionTaskRole(r.Account(), in.Service); ok {
		return protocol.Target{Resource: arn}, nil
	}
	return protocol.Target{Resource: "*"}, nil
}

func (s *Service) getServiceLinkedRoleDeletionStatus(_ context.Context, r *protocol.Request, in *input) (any, error) {
	if _, ok := deletionTaskRole(r.Account(), in.Service); !ok {
		return nil, errInvalidInput.Errorf(msgBadDeletionTask, in.Service)
	}
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_role_deletion (Status)
	return &struct{ Status string }{"SUCCEEDED"}, nil
}
