# expect: 3:1 no @data line after this; expected the header to end with @data
@problemName Broken
@classLabel true a b
