package kms

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// AccessDenied is KMS's denial; the server passes it as the Dispatcher's
// Deny code.
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusBadRequest}

// KMS's error codes. Every one is a 400 but KMSInternalException.
var (
	ErrNotFound          = awserr.Code{Name: "NotFoundException", Status: http.StatusBadRequest}
	ErrDisabled          = awserr.Code{Name: "DisabledException", Status: http.StatusBadRequest}
	ErrInvalidState      = awserr.Code{Name: "KMSInvalidStateException", Status: http.StatusBadRequest}
	errValidation        = awserr.Code{Name: "ValidationException", Status: http.StatusBadRequest}
	errInvalidCiphertext = awserr.Code{Name: "InvalidCiphertextException", Status: http.StatusBadRequest}
	errIncorrectKey      = awserr.Code{Name: "IncorrectKeyException", Status: http.StatusBadRequest}
	errAlreadyExists     = awserr.Code{Name: "AlreadyExistsException", Status: http.StatusBadRequest}
	errMalformedPolicy   = awserr.Code{Name: "MalformedPolicyDocumentException", Status: http.StatusBadRequest}
	errInvalidArn        = awserr.Code{Name: "InvalidArnException", Status: http.StatusBadRequest}
	errUnsupported       = awserr.Code{Name: "UnsupportedOperationException", Status: http.StatusBadRequest}
	errInvalidKeyUsage   = awserr.Code{Name: "InvalidKeyUsageException", Status: http.StatusBadRequest}
	errInvalidMarker     = awserr.Code{Name: "InvalidMarkerException", Status: http.StatusBadRequest}
	errTag               = awserr.Code{Name: "TagException", Status: http.StatusBadRequest}
)

// Messages.
const (
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_get_key_does_not_exist
	msgKeyNotFound = "Key '%s' does not exist"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_get_key_invalid_uuid
	msgInvalidKeyID = "Invalid keyId '%s'"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_get_key_in_different_region
	msgInvalidArnRegion = "Invalid arn %s"
	// source: unconfirmed the NotFoundException KMS answers for an alias that does not exist, as AWS CLI users report it
	msgAliasNotFound = "Alias %s is not found."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_sse_validate_kms_key_state
	msgDisabled = "%s is disabled."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_sse_validate_kms_key_state
	msgPendingDeletion = "%s is pending deletion."
	// source: unconfirmed KMS's refusal to schedule the deletion of, or cancel it for, a key not in a state that allows it
	msgNotPendingDeletion = "%s is not pending deletion."
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_create_alias
	msgAliasPrefix = "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
	// source: unconfirmed KMS's refusal of an alias in the reserved alias/aws/ namespace
	msgAliasReserved = "Alias cannot begin with alias/aws/"
	// source: unconfirmed KMS's AlreadyExistsException for an alias name in use
	msgAliasExists = "An alias with the name %s already exists"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
	msgAliasPattern = "1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_plaintext_size_for_encrypt
	msgPlaintextTooLong = "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
	msgPlaintextEmpty = "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
	msgEnum = "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
	msgRequired = "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
	msgNumberOfBytes = "1 validation error detected: Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
	msgNumberOfBytesMin = "1 validation error detected: Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"
	// source: unconfirmed KMS's refusal of GenerateDataKey with neither (or both) of KeySpec and NumberOfBytes
	msgKeySpecOrBytes = "Please specify either number of bytes or key spec."
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
	msgPendingWindow = "1 validation error detected: Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_hmac_create_key_invalid_operations
	msgKeyUsageRequired = "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."
	// The enum lists of CreateKey's refusals, as AWS words them (fewer
	// values than it accepts).
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_hmac_create_key_invalid_operations
	msgUsageList = "ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_hmac_create_key_invalid_operations
	msgSpecList = "RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_create_key_with_invalid_tag_key[too_long_key]
	msgTagKeyLength = "1 validation error detected: Value '%s' at 'tags.%d.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_key_with_long_tag_value_raises_error
	msgTagValueLength = "1 validation error detected: Value '%s' at 'tags.%d.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_create_key_with_too_many_tags_raises_error
	msgTooManyTags = "Too many tags"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_create_key_with_invalid_tag_key[uppercase_prefix]
	msgTagReserved = "Tags beginning with aws: are reserved"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_tag_key_with_duplicate_tag_keys_raises_error
	msgTagDuplicate = "Duplicate tag keys"
	// source: unconfirmed KMS's refusal of a KeyUsage a KeySpec does not support
	msgUsageSpec = "KeyUsage %s is not compatible with KeySpec %s"
	// source: unconfirmed seki's own refusal: its KMS serves symmetric encryption keys only
	msgOnlySymmetric = "seki's KMS serves symmetric encryption keys only (KeySpec SYMMETRIC_DEFAULT, Origin AWS_KMS); %s is not supported"
	// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_re_encrypt_incorrect_source_key
	msgIncorrectKey = "The key ID in the request does not identify a CMK that can perform this operation."
	// source: unconfirmed KMS's answer to a key policy name other than default
	msgPolicyName = "1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: default"
	// source: unconfirmed KMS's refusal to manage an AWS managed key through the API
	msgManagedKey = "%s is an AWS managed key; its state, policy and deletion are managed by AWS."
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html
	msgLimit = "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000"
	// source: unconfirmed KMS's InvalidMarkerException for a marker it did not hand out
	msgMarker = "Invalid marker"
	// source: doc https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
	msgAlgorithm = "1 validation error detected: Value '%s' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]"
	// source: unconfirmed KMS's refusal of an alias as the target of CreateAlias/UpdateAlias
	msgAliasTarget = "Aliases must refer to keys. Not aliases"
)
