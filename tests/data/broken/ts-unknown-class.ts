# expect: 6:7 class "c" is not among the header's classes (line 4: @classLabel true ...)
@problemName Broken
@univariate true
@classLabel true a b
@data
1,2,3:c
